import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type pg from 'pg';

/**
 * Bench-side marks of the click → step path, taken in the process that runs the product without
 * changing it: when a Slack request reached the HTTP server, and when the transactions that matter
 * committed (Postgres records no commit time of its own unless `track_commit_timestamp` is on).
 */
export function createPhaseMarks() {
  const requests: number[] = [];
  const commits: { kind: 'decision' | 'claim'; key: string; at: number }[] = [];

  /** The receiver's listener, noting each request's arrival first. */
  const wrapListener =
    (listener: RequestListener): RequestListener =>
    (request: IncomingMessage, response: ServerResponse) => {
      requests.push(Date.now());
      listener(request, response);
    };

  /**
   * Watches every client of `pool`: a transaction that wrote an audit row for `action` (the
   * decision) or claimed a step run is noted when its COMMIT answers.
   */
  const watchPool = (pool: pg.Pool, action: string) => {
    pool.on('connect', (client) => {
      let inTransaction = false;
      let mark: { kind: 'decision' | 'claim'; key: string } | undefined;
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const text = typeof args[0] === 'string' ? args[0] : '';
        const values = Array.isArray(args[1]) ? (args[1] as unknown[]) : [];
        if (text === 'BEGIN') inTransaction = true;
        if (text.startsWith('INSERT INTO audit_log') && values[2] === action)
          mark = { kind: 'decision', key: String(values[0]) };
        else if (text.includes("UPDATE step_runs SET status = 'running'"))
          mark = { kind: 'claim', key: String(values[0]) };
        else if (text === 'ROLLBACK') mark = undefined;
        // A claim may be its own statement (autocommit): it is committed when it answers.
        const ends = text === 'COMMIT' || (!inTransaction && mark !== undefined);
        if (text === 'COMMIT' || text === 'ROLLBACK') inTransaction = false;
        const noted = ends ? mark : undefined;
        if (noted) mark = undefined;
        const note = () => noted && commits.push({ ...noted, at: Date.now() });
        // pool.query passes a callback; transactions await promises.
        const callback = args.at(-1);
        if (noted && typeof callback === 'function') {
          args[args.length - 1] = (error: unknown, result: unknown) => {
            if (!error) note();
            (callback as (error: unknown, result: unknown) => void)(error, result);
          };
        }
        const result = query(...args);
        if (noted && result instanceof Promise) result.then(note, () => undefined);
        return result;
      };
    });
  };

  return {
    wrapListener,
    watchPool,
    /** The first request that arrived at or after `from` (ms epoch). */
    requestAfter: (from: number) => requests.find((at) => at >= from),
    /** When the decision on deployment `deploymentId` committed. */
    decisionCommitted: (deploymentId: number) =>
      commits.find((c) => c.kind === 'decision' && c.key === String(deploymentId))?.at,
    /** When the claim of step run `runId` committed. */
    claimCommitted: (runId: number) => commits.find((c) => c.kind === 'claim' && c.key === String(runId))?.at,
  };
}
