-- Every reading of every monitor, tagged with the stage it was taken in (for reports and charts).
CREATE TABLE metric_samples (
  id            bigserial PRIMARY KEY,
  deployment_id bigint NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  metric_id     text NOT NULL,
  value         double precision,
  status        text NOT NULL,
  stage_index   integer,
  percent       integer NOT NULL DEFAULT 0,
  taken_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX metric_samples_deployment ON metric_samples (deployment_id, metric_id, taken_at);

-- Each monitor's running judgement: consecutive breaches or unknowns, and whether it alerted.
CREATE TABLE monitor_states (
  deployment_id    bigint NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  metric_id        text NOT NULL,
  status           text NOT NULL DEFAULT 'ok',
  consecutive      integer NOT NULL DEFAULT 0,
  readings         integer NOT NULL DEFAULT 0,
  since            timestamptz,
  last_value       double precision,
  alerted          boolean NOT NULL DEFAULT false,
  alert_prompt_id  bigint,
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (deployment_id, metric_id)
);

-- Issues reported during a deployment (4.3): critical, major, minor.
CREATE TABLE issues (
  id            bigserial PRIMARY KEY,
  deployment_id bigint NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  severity      text NOT NULL CHECK (severity IN ('critical', 'major', 'minor')),
  description   text NOT NULL,
  reported_by   text NOT NULL,
  owner         text,
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  resolved_by   text,
  resolved_at   timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX issues_deployment ON issues (deployment_id, status);

-- Section 7's documentation checklist, per deployment.
CREATE TABLE documentation_updates (
  deployment_id bigint NOT NULL REFERENCES deployments (id) ON DELETE CASCADE,
  position      integer NOT NULL,
  item          text NOT NULL,
  done_by       text,
  done_at       timestamptz,
  PRIMARY KEY (deployment_id, position)
);
