-- Who is posting a prompt to Slack, and since when: a lease, so that the live process and the
-- reconciler never both post it, and a post that died with its process is retried once it expires.
ALTER TABLE prompts ADD COLUMN post_claimed_at timestamptz;
CREATE INDEX prompts_unposted ON prompts (id) WHERE message_ts IS NULL;
