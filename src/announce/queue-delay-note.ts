/** Said after a change that committed while Redis was unreachable (see runAfterCommit). */
export const queueDelayNote =
  'Redis is unreachable right now, so the next step waits: it is recorded and starts by itself once Redis is back.';
