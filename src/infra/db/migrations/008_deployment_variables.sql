-- The plan's own variables (`variables:` in the plan), computed once when a deployment starts:
-- name → value, so every later command (a retry, a rollback after a restart) sees the same value.
ALTER TABLE deployments ADD COLUMN variables jsonb NOT NULL DEFAULT '{}'::jsonb;
