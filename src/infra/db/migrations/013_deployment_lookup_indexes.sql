-- A deployment's timers and prompts by kind: check-ins, soaks and decisions look them up on every
-- step. Without these, each lookup scanned every deployment's rows (1 ms per query at 1,000
-- deployments, growing with every deployment kept).
CREATE INDEX timers_deployment_kind ON timers (deployment_id, kind);
CREATE INDEX prompts_deployment_kind ON prompts (deployment_id, kind, id);
