import type { DbClient } from '../infra/db/pool.js';
import type { Message } from '../infra/slack/block-kit.js';
import type { DeployDeps } from '../ports.js';
import type { EnvironmentHistory, HistoryEntry } from './history-entry.js';
import { historyMessage } from './history-message.js';

/** The latest `limit` deployments of each environment, newest first; the plan's environments first. */
export async function listHistory(
  db: DbClient,
  environments: string[],
  limit = 10,
): Promise<EnvironmentHistory[]> {
  const result = await db.query<HistoryEntry>(
    `SELECT id, environment, version, state, started_by AS "startedBy", dry_run AS "dryRun",
       created_at AS "createdAt", ended_at AS "endedAt"
     FROM (
       SELECT *, row_number() OVER (PARTITION BY environment ORDER BY created_at DESC, id DESC) AS n
       FROM deployments
     ) recent
     WHERE n <= $1
     ORDER BY environment, created_at DESC, id DESC`,
    [limit],
  );
  const names = [...environments, ...new Set(result.rows.map((row) => row.environment))].filter(
    (name, i, all) => all.indexOf(name) === i,
  );
  return names.map((environment) => ({
    environment,
    deployments: result.rows.filter((row) => row.environment === environment),
  }));
}

/** `/deploy history`: recent deployments per environment with outcome and duration. */
export async function describeHistory(deps: Pick<DeployDeps, 'db' | 'plan' | 'clock'>): Promise<Message> {
  return historyMessage({
    history: await listHistory(deps.db, deps.plan.environments),
    application: deps.plan.application,
    timeZone: deps.plan.timezone,
    now: deps.clock(),
  });
}
