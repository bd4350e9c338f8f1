-- A step run's whole output, redacted and bounded like its tail (2 MB, a note where it was cut),
-- for the [Full output] button (issue #16). Apart from step_runs, whose rows are read often.
-- `shared_at`: when it was uploaded into the thread, so a second click does not upload it again.
CREATE TABLE step_run_outputs (
  step_run_id bigint PRIMARY KEY REFERENCES step_runs (id) ON DELETE CASCADE,
  output      text NOT NULL,
  shared_at   timestamptz,
  shared_by   text
);
