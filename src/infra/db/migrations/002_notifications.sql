-- The outbox: every outbound message (Slack, email, status page, in-app), sent once per dedupe
-- key. Rows are written in the caller's transaction; BullMQ jobs deliver them after COMMIT.
CREATE TABLE notifications (
  id             bigserial PRIMARY KEY,
  deployment_id  bigint REFERENCES deployments (id) ON DELETE CASCADE,
  dedupe_key     text NOT NULL UNIQUE,
  channel        text NOT NULL CHECK (channel IN ('slack', 'email', 'status_page', 'in_app')),
  -- Where it goes, e.g. {"channel": "C123", "threadTs": "1700000000.000100"} for Slack.
  target         jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- Messages with the same target_key are delivered in id order (see src/notify/target-key.ts).
  target_key     text NOT NULL,
  -- {text, blocks?, subject?, statusPage?: {name, status, scheduledFor?, scheduledUntil?, body, ...}}
  message        jsonb NOT NULL,
  -- Pending rows of one group older than stale_after_ms are sent as one combined message.
  collapse_group text,
  stale_after_ms integer CHECK (stale_after_ms > 0),
  send_after     timestamptz NOT NULL DEFAULT now(),
  status         text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'collapsed')),
  attempts       integer NOT NULL DEFAULT 0,
  last_error     text,
  -- When the row last went to 'sending': a row stuck there was cut off by a crash.
  claimed_at     timestamptz,
  sent_at        timestamptz,
  -- What the receiver called it: the Slack ts, the email Message-ID, the Statuspage incident id.
  external_id    text,
  -- For a collapsed row: the row whose combined message included it.
  collapsed_into bigint REFERENCES notifications (id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX notifications_pending ON notifications (send_after) WHERE status = 'pending';
CREATE INDEX notifications_open_by_target ON notifications (target_key, id) WHERE status IN ('pending', 'sending');
CREATE INDEX notifications_collapsed_into ON notifications (collapsed_into) WHERE collapsed_into IS NOT NULL;
CREATE INDEX notifications_deployment ON notifications (deployment_id) WHERE deployment_id IS NOT NULL;
