-- The root message and the T+1w report are posted under a lease instead of a row lock held
-- across the Slack call; the report is marked posted only once it reached Slack, so the
-- reconciler can post one a crash or a Slack error left behind.
ALTER TABLE deployments ADD COLUMN root_claimed_at timestamptz;
ALTER TABLE deployments ADD COLUMN report_claimed_at timestamptz;
ALTER TABLE deployments ADD COLUMN report_posted_at timestamptz;
-- Reports whose timer fired before this migration were posted the old way: never again.
UPDATE deployments d SET report_posted_at = t.fired_at
  FROM timers t
 WHERE t.deployment_id = d.id AND t.kind = 'report' AND t.status = 'fired';
