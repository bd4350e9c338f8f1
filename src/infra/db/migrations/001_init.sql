-- Deployments: one row per /deploy start. `revision` is the compare-and-set counter.
CREATE TABLE deployments (
  id               bigserial PRIMARY KEY,
  environment      text NOT NULL,
  version          text NOT NULL,
  previous_version text,
  state            text NOT NULL,
  stage_index      integer,
  current_percent  integer NOT NULL DEFAULT 0,
  stage_started_at timestamptz,
  held_from        text,
  started_by       text NOT NULL,
  channel_id       text NOT NULL,
  root_ts          text,
  backup_file      text,
  schema_changed   boolean NOT NULL DEFAULT false,
  dry_run          boolean NOT NULL DEFAULT false,
  plan_name        text NOT NULL,
  revision         integer NOT NULL DEFAULT 0,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  ended_at         timestamptz
);

-- The per-environment lock: at most one deployment of an environment that has not ended.
CREATE UNIQUE INDEX deployments_one_active_per_environment
  ON deployments (environment)
  WHERE state NOT IN ('completed', 'aborted', 'rolled_back');

CREATE INDEX deployments_environment_created ON deployments (environment, created_at DESC);

-- Each attempt of each plan step.
CREATE TABLE step_runs (
  id            bigserial PRIMARY KEY,
  deployment_id bigint NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  step_id       text NOT NULL,
  step_name     text NOT NULL,
  phase         text NOT NULL,
  position      integer NOT NULL,
  attempt       integer NOT NULL DEFAULT 1,
  status        text NOT NULL DEFAULT 'pending',
  exit_code     integer,
  summary       text,
  output_tail   text,
  started_at    timestamptz,
  finished_at   timestamptz,
  UNIQUE (deployment_id, step_id, attempt)
);

CREATE INDEX step_runs_deployment ON step_runs (deployment_id, position, attempt);

-- Every state change and every refusal, written in the same transaction as the change.
CREATE TABLE audit_log (
  id            bigserial PRIMARY KEY,
  deployment_id bigint REFERENCES deployments (id) ON DELETE CASCADE,
  actor         text NOT NULL,
  action        text NOT NULL,
  from_state    text,
  to_state      text,
  detail        jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_deployment ON audit_log (deployment_id, id);

-- Slack request keys already handled (trigger_id, event_id): a repeat has no second effect.
CREATE TABLE processed_slack_requests (
  request_key text PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Who holds which role of the plan.
CREATE TABLE role_assignments (
  role        text NOT NULL,
  user_id     text NOT NULL,
  assigned_by text NOT NULL,
  assigned_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (role, user_id)
);

-- Manual environment locks (after a rollback, or by hand).
CREATE TABLE environment_locks (
  environment text PRIMARY KEY,
  reason      text NOT NULL,
  locked_by   text NOT NULL,
  locked_at   timestamptz NOT NULL DEFAULT now()
);

-- Maintenance windows (`/deploy window`): the schedule of section 8 hangs off one.
CREATE TABLE maintenance_windows (
  id            bigserial PRIMARY KEY,
  environment   text NOT NULL,
  starts_at     timestamptz NOT NULL,
  duration_ms   bigint NOT NULL,
  version       text,
  created_by    text NOT NULL,
  status        text NOT NULL DEFAULT 'scheduled',
  deployment_id bigint REFERENCES deployments (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX maintenance_windows_environment ON maintenance_windows (environment, starts_at DESC);

-- The rows of the schedule table, with their live status.
CREATE TABLE schedule_items (
  id          bigserial PRIMARY KEY,
  window_id   bigint NOT NULL REFERENCES maintenance_windows (id) ON DELETE CASCADE,
  item_id     text NOT NULL,
  position    integer NOT NULL,
  at_offset   text NOT NULL,
  due_at      timestamptz NOT NULL,
  activity    text NOT NULL,
  owner       text NOT NULL,
  tracks      text,
  status      text NOT NULL DEFAULT 'not_started',
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (window_id, item_id)
);

-- Durable timers: the truth for every delay; BullMQ delayed jobs are recreated from here.
CREATE TABLE timers (
  id            bigserial PRIMARY KEY,
  deployment_id bigint REFERENCES deployments (id) ON DELETE CASCADE,
  window_id     bigint REFERENCES maintenance_windows (id) ON DELETE CASCADE,
  kind          text NOT NULL,
  key           text NOT NULL UNIQUE,
  fire_at       timestamptz NOT NULL,
  status        text NOT NULL DEFAULT 'pending',
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  fired_at      timestamptz
);

CREATE INDEX timers_pending ON timers (fire_at) WHERE status = 'pending';

-- Prompts with buttons; a decision closes one exactly once.
CREATE TABLE prompts (
  id            bigserial PRIMARY KEY,
  deployment_id bigint NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  kind          text NOT NULL,
  channel_id    text NOT NULL,
  message_ts    text,
  status        text NOT NULL DEFAULT 'open',
  decision      text,
  decided_by    text,
  decided_at    timestamptz,
  payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX prompts_open ON prompts (deployment_id) WHERE status = 'open';
