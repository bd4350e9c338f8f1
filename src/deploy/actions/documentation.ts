import { documentationMessage } from '../../announce/blocks/documentation-message.js';
import { updatePrompt } from '../../announce/prompts.js';
import { AppError } from '../../errors.js';
import { writeAudit } from '../../infra/db/audit.js';
import { inTransaction } from '../../infra/db/pool.js';
import { getPrompt } from '../../infra/db/prompts.js';
import type { DeployDeps } from '../../ports.js';
import { authorize } from '../authorize.js';
import { listDocumentationItems as listItems } from '../flow/documentation-checklist.js';

/** [Done] on one item: recorded once, and the checklist message is redrawn. */
export async function markDocumentationDone(
  deps: DeployDeps,
  input: { value: string; userId: string },
): Promise<string> {
  const [promptPart, positionPart] = input.value.split(':');
  const promptId = Number(promptPart);
  const position = Number(positionPart);
  if (!Number.isSafeInteger(promptId) || !Number.isSafeInteger(position))
    throw new AppError('bad_input', 'That button is malformed.');
  const prompt = await getPrompt(deps.db, promptId);
  if (prompt?.kind !== 'documentation') throw new AppError('not_found', 'That checklist no longer exists.');
  await authorize(deps, 'team', input.userId, prompt.deploymentId);
  const { item, items } = await inTransaction(deps.db, async (client) => {
    const updated = await client.query<{ item: string }>(
      `UPDATE documentation_updates SET done_by = $3, done_at = now() WHERE deployment_id = $1 AND position = $2 AND done_by IS NULL RETURNING item`,
      [prompt.deploymentId, position, input.userId],
    );
    const marked = updated.rows[0]?.item;
    if (!marked) throw new AppError('conflict', 'That document was already marked updated.');
    await writeAudit(client, {
      deploymentId: prompt.deploymentId,
      actor: input.userId,
      action: 'documentation_updated',
      detail: { item: marked },
    });
    return { item: marked, items: await listItems(client, prompt.deploymentId) };
  });
  await updatePrompt(deps, prompt, documentationMessage({ promptId, items }));
  return `Marked "${item}" updated.`;
}
