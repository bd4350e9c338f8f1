import type pg from 'pg';
import { type DocumentationItem, documentationMessage } from '../../announce/blocks/documentation-message.js';
import { recordPrompt } from '../../announce/prompts.js';
import type { DeployDeps } from '../../ports.js';
import type { AfterCommit } from '../intents.js';

export async function listDocumentationItems(
  client: pg.PoolClient | pg.Pool,
  deploymentId: number,
): Promise<DocumentationItem[]> {
  const result = await client.query<DocumentationItem>(
    `SELECT position, item, done_by AS "doneBy" FROM documentation_updates WHERE deployment_id = $1 ORDER BY position`,
    [deploymentId],
  );
  return result.rows;
}

/** After the declaration: the documentation checklist of section 7, tracked item by item. */
export async function startDocumentationChecklist(
  client: pg.PoolClient,
  deps: DeployDeps,
  deploymentId: number,
  later: AfterCommit,
) {
  if (deps.plan.documentationUpdates.length === 0) return;
  for (const [position, item] of deps.plan.documentationUpdates.entries()) {
    await client.query(
      `INSERT INTO documentation_updates (deployment_id, position, item) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [deploymentId, position, item],
    );
  }
  const items = await listDocumentationItems(client, deploymentId);
  await recordPrompt(client, later, deploymentId, 'documentation', (promptId) =>
    documentationMessage({ promptId, items }),
  );
}
