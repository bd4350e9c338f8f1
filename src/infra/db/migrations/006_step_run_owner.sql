-- One live copy of a step: who runs it (host, process, runtime instance, the command's process
-- group), a heartbeat, and a fencing token per claim. Liveness is judged from these rows, not
-- from a lock in Redis that an outage or a failover can lose.
ALTER TABLE step_runs ADD COLUMN claim_token uuid;
ALTER TABLE step_runs ADD COLUMN owner_host text;
ALTER TABLE step_runs ADD COLUMN owner_pid integer;
ALTER TABLE step_runs ADD COLUMN owner_instance uuid;
ALTER TABLE step_runs ADD COLUMN process_group integer;
ALTER TABLE step_runs ADD COLUMN heartbeat_at timestamptz;
