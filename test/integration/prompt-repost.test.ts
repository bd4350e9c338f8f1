import { afterEach, describe, expect, it } from 'vitest';
import { publishUnpostedPrompts } from '../../src/announce/prompts.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

/**
 * A process that dies between Slack accepting a prompt and recording its ts leaves the prompt
 * looking unposted. The reconciler posts it again once the poster's lease runs out, unless Slack
 * already shows it: then it only records the ts, so nobody sees the question twice.
 */
describe('re-posting a prompt whose poster died', () => {
  let h: Harness;
  afterEach(async () => {
    await h?.close();
  });

  const goNoGoPosts = (promptId: number) =>
    h.slack
      .callsOf('chat.postMessage')
      .filter(
        (call) =>
          (call.args.metadata as { event_payload?: { prompt_id?: number } } | undefined)?.event_payload
            ?.prompt_id === promptId,
      );

  const startAndGetGoNoGo = async () => {
    // A long reconcile interval: the test calls the reconciler's prompt pass itself. People decide
    // in real time: the go/no-go prompt stays open for its 30 minutes.
    h = await startHarness({ env: { REHEARSAL_DECISION_SCALE: '1' }, reconcileIntervalMs: 3_600_000 });
    await h.client.command('start v4.0.0', { user: users.lead });
    return waitUntil(
      async () =>
        (
          await h.db.query<{ id: number; message_ts: string | null }>(
            `SELECT id, message_ts FROM prompts WHERE kind = 'go_no_go' AND message_ts IS NOT NULL`,
          )
        ).rows[0],
      { label: 'the go/no-go prompt to be posted' },
    );
  };

  // As if the process died after Slack answered but before the ts was written, an hour ago.
  const forgetTs = (id: number) =>
    h.db.query(
      `UPDATE prompts SET message_ts = NULL, post_claimed_at = now() - interval '1 hour' WHERE id = $1`,
      [id],
    );

  it('finds the earlier post by its metadata and does not post it twice', async () => {
    const prompt = await startAndGetGoNoGo();
    expect(goNoGoPosts(prompt.id)).toHaveLength(1);
    await forgetTs(prompt.id);

    await publishUnpostedPrompts(h.runtime.deps);

    expect(goNoGoPosts(prompt.id)).toHaveLength(1);
    const after = await h.db.query(`SELECT message_ts FROM prompts WHERE id = $1`, [prompt.id]);
    expect(after.rows[0].message_ts).toBe(prompt.message_ts);
  });

  it('posts it once when the earlier post never reached Slack', async () => {
    const prompt = await startAndGetGoNoGo();
    await forgetTs(prompt.id);
    // The earlier post is gone from the channel: it never arrived.
    await fetch(`${h.slack.url}chat.delete`, {
      method: 'POST',
      headers: { authorization: 'Bearer xoxb-test', 'content-type': 'application/json' },
      body: JSON.stringify({ channel: 'C_DEPLOY', ts: prompt.message_ts }),
    });

    await publishUnpostedPrompts(h.runtime.deps);
    await publishUnpostedPrompts(h.runtime.deps);

    expect(goNoGoPosts(prompt.id)).toHaveLength(2);
    const after = await h.db.query(`SELECT message_ts FROM prompts WHERE id = $1`, [prompt.id]);
    expect(after.rows[0].message_ts).not.toBe(prompt.message_ts);
    expect(h.slack.messages('C_DEPLOY').filter((m) => m.ts === after.rows[0].message_ts)).toHaveLength(1);
  });
});
