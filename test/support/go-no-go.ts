import { type Harness, users } from './harness.js';
import { waitUntil } from './wait.js';

/**
 * Says go at the go/no-go decision with `/deploy go` (it answers the newest active deployment), as
 * the deployment lead would, once its prompt exists. Fails, quoting the answer, when the plan's
 * deadline decided first: a test that says go must leave people time to say it.
 */
export async function sayGo(h: Harness, user: string = users.lead): Promise<void> {
  await waitUntil(async () => (await h.db.query(`SELECT 1 FROM prompts WHERE kind = 'go_no_go'`)).rowCount, {
    label: 'the go/no-go prompt',
  });
  const before = h.slack.responses.length;
  const reply = await h.client.command('go', { user });
  const answer = (h.slack.responses.slice(before).at(-1)?.body ?? reply.json) as
    | { text?: string }
    | undefined;
  if (!answer?.text?.startsWith('Go decision recorded')) {
    throw new Error(`/deploy go was not recorded: ${answer?.text ?? `HTTP ${reply.status} ${reply.text}`}`);
  }
}
