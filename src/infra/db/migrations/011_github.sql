-- GitHub deployments and their statuses go through the outbox too (issue #18).
ALTER TABLE notifications DROP CONSTRAINT notifications_channel_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_channel_check
  CHECK (channel IN ('slack', 'email', 'status_page', 'in_app', 'pagerduty', 'github'));
