import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { promptPostLeaseMs } from '../../src/announce/prompts.js';
import { checkInsShownBy } from '../support/check-in-messages.js';
import { waitUntil } from '../support/wait.js';
import { createPrng, seedFromEnv } from './support/prng.js';
import { type Product, realTimeDecisions, startProduct } from './support/product.js';
import {
  checkInPosts,
  driveToCompletion,
  people,
  repeatedInvocations,
  successWindowWaitMs,
} from './support/rehearsal.js';
import { textOf } from './support/slack-proxy.js';

// 30 minutes in 125 ms: the 12 check-ins take 1.5 s, the soaks 6 s and 12 s.
const timeScale = '14400';

describe('SIGKILL of the product at random points of a rehearsal, three times', () => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.close();
  });

  it('completes the deployment, runs no step twice, and sends every check-in exactly once', async () => {
    const seed = seedFromEnv();
    const prng = createPrng(seed);
    console.info(`sigkill seed ${seed} (replay with FAULT_SEED=${seed})`);
    p = await startProduct({ timeScale, env: realTimeDecisions });
    const product = p;
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });
    // One kill in each part of the rehearsal, at a random moment within it: the first once plan
    // step k (random) has started, the second among the check-ins, the third during soaks and promotions.
    const kills: { at: string; state: string; step?: string }[] = [];
    // Steps 9 and 10 take milliseconds; a kill "after" them would land in the soak.
    const killOneStep = prng.int(1, 8);
    const killOneDelay = prng.between(0, 100);
    let killOneAt: number | undefined;
    let killTwoAt: number | undefined;
    let killThreeAt: number | undefined;
    let restartedAt = 0;
    const killAndRestart = async (label: string, state: string) => {
      kills.push({ at: label, state });
      await product.app.kill();
      await product.app.boot();
      restartedAt = Date.now();
    };
    const result = await driveToCompletion({
      db: product.db,
      slack: product.slack,
      client: () => product.client,
      deploymentId: 1,
      timeoutMs: 200_000,
      extraWaitMs: { success_window: successWindowWaitMs(timeScale) },
      onTick: async (state) => {
        const now = Date.now();
        if (kills.length === 0 && killOneAt === undefined) {
          const started = await product.db.query(
            `SELECT 1 FROM step_runs WHERE deployment_id = 1 AND position >= $1 AND started_at IS NOT NULL`,
            [killOneStep],
          );
          if ((started.rowCount ?? 0) > 0) killOneAt = now + killOneDelay;
        }
        if (kills.length === 0 && killOneAt !== undefined && now >= killOneAt) {
          const running = await product.db.query<{ step_id: string }>(
            `SELECT step_id FROM step_runs WHERE deployment_id = 1 AND status = 'running'`,
          );
          const fresh = (await product.deploymentState(1)) ?? state;
          kills.push({
            at: 'during the plan steps',
            state: fresh,
            step: running.rows.map((r) => r.step_id).join(',') || 'none running',
          });
          await product.app.kill();
          await product.app.boot();
          restartedAt = Date.now();
          return;
        }
        if (kills.length === 1 && killTwoAt === undefined) {
          const window = (
            await product.db.query<{ first: Date | null; last: Date | null }>(
              `SELECT min(fire_at) AS first, max(fire_at) AS last FROM timers WHERE deployment_id = 1 AND kind = 'check_in'`,
            )
          ).rows[0];
          if (window?.first && window.last)
            killTwoAt = prng.between(window.first.getTime() - 100, window.last.getTime());
        }
        if (kills.length === 1 && killTwoAt !== undefined && now >= killTwoAt) {
          await killAndRestart('among the check-ins', state);
          killThreeAt = restartedAt + prng.between(1_000, 15_000);
          return;
        }
        if (kills.length === 2 && killThreeAt !== undefined && now >= killThreeAt) {
          await killAndRestart('during the soaks and promotions', state);
        }
      },
    });
    console.info(`kills: ${JSON.stringify(kills)}; clicks: ${result.clicks.length}; log: ${product.logFile}`);
    // A check-in whose post died with the process is posted once the dead poster's lease runs out;
    // one whose timer job died is re-armed once the job's lock expires.
    await waitUntil(
      async () =>
        (
          await product.db.query(
            `SELECT 1 FROM prompts WHERE deployment_id = 1 AND kind = 'check_in' AND message_ts IS NULL
             UNION ALL SELECT 1 FROM timers WHERE deployment_id = 1 AND kind = 'check_in' AND status = 'pending'`,
          )
        ).rowCount === 0,
      { timeoutMs: promptPostLeaseMs + 20_000, label: 'every check-in prompt to reach Slack' },
    ).catch(() => undefined);

    expect(kills[0]?.state, 'the first kill came while plan steps ran').toBe('running');
    expect(kills.map((k) => k.at)).toEqual([
      'during the plan steps',
      'among the check-ins',
      'during the soaks and promotions',
    ]);
    expect(result.lostPrompts, `seed ${seed}: waiting states without their prompt`).toEqual([]);
    expect(result.state, `seed ${seed}`).toBe('completed');

    const invocations = await product.workspace.invocations();
    expect(repeatedInvocations(invocations), `seed ${seed}: commands run more than once`).toEqual([]);
    expect(invocations.filter((line) => line.includes('--percent='))).toEqual([
      'deploy-frontend --env=production --percent=10',
      'deploy-frontend --env=production --percent=50',
      'deploy-frontend --env=production --percent=100',
    ]);
    const attempts = await product.db.query<{ step_id: string; n: number }>(
      `SELECT step_id, count(*)::int AS n FROM step_runs WHERE deployment_id = 1 AND started_at IS NOT NULL GROUP BY step_id HAVING count(*) > 1`,
    );
    expect(attempts.rows).toEqual([]);

    const checkIns = checkInPosts(product.slack);
    const expected = new Map(Array.from({ length: 12 }, (_, i) => [i + 1, 1]));
    expect(
      [...checkIns].sort((a, b) => a[0] - b[0]),
      `seed ${seed}: check-in posts by number`,
    ).toEqual([...expected]);
  });
});

describe('SIGKILL while a message is on its way to Slack', () => {
  let p: Product | undefined;
  afterEach(async () => {
    await p?.close();
    p = undefined;
  });

  it('still shows a check-in whose post was in flight when the process died', async () => {
    p = await startProduct({ timeScale, env: realTimeDecisions, proxySlack: true });
    const product = p;
    const held = product.proxy?.holdNext(
      // Posted on its own, or as the edit that adds it to the message of the quiet ones before it.
      (call) =>
        ['chat.postMessage', 'chat.update'].includes(call.method) &&
        Math.max(...checkInsShownBy(textOf(call))) === 3,
    );
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });
    await withTimeout(held as Promise<unknown>, 90_000, 'check-in 3 to be posted');
    await product.app.kill();
    product.proxy?.dropHeld();
    await product.app.boot();

    // Every check-in timer fired, and a few seconds more for their posts.
    await waitUntil(
      async () =>
        (
          await product.db.query(
            `SELECT 1 FROM timers WHERE deployment_id = 1 AND kind = 'check_in' AND status = 'pending'`,
          )
        ).rowCount === 0,
      { timeoutMs: 60_000, label: 'every check-in timer to fire' },
    );
    // The dead process held the right to post it for promptPostLeaseMs; the reconciler posts it after.
    await waitUntil(() => checkInPosts(product.slack).get(3), {
      timeoutMs: promptPostLeaseMs + 30_000,
      label: 'check-in 3 to reach Slack after the restart',
    }).catch(() => undefined);
    const fired = await product.db.query(
      `SELECT 1 FROM timers WHERE deployment_id = 1 AND kind = 'check_in' AND key LIKE '%-3' AND status = 'fired'`,
    );
    expect(fired.rowCount, 'the timer of check-in 3 counts as fired').toBe(1);
    expect(checkInPosts(product.slack).get(3), 'check-in 3 reached Slack').toBe(1);
  });

  it('still asks for promotion when the prompt was in flight when the process died', async () => {
    p = await startProduct({ timeScale, env: realTimeDecisions, proxySlack: true });
    const product = p;
    const held = product.proxy?.holdNext(
      (call) => call.method === 'chat.postMessage' && /Promote to \*50%\*/.test(textOf(call)),
    );
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });
    await withTimeout(held as Promise<unknown>, 90_000, 'the promotion prompt to be posted');
    await product.app.kill();
    product.proxy?.dropHeld();
    await product.app.boot();

    const prompt = await waitUntil(
      () =>
        product.slack
          .callsOf('chat.postMessage')
          .find((call) => /Promote to \*50%\*/.test(String(call.args.text))),
      { timeoutMs: promptPostLeaseMs + 30_000, label: 'the promotion prompt after the restart' },
    ).catch(() => undefined);
    expect(await product.deploymentState(1)).toBe('awaiting_promotion');
    expect(prompt, 'the promotion prompt reached Slack after the restart').toBeDefined();
  });
});

async function withTimeout<T>(promise: Promise<T>, ms: number, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${label}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
