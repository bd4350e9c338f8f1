import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';
import { type Product, realTimeDecisions, startProduct } from './support/product.js';
import { checkInPosts, people } from './support/rehearsal.js';

// 24 h of canary soak in 15 s: the soak ends while Redis is down.
const timeScale = '5760';
const outageMs = 20_000;

describe('Redis stopped for 20 s during a soak (a private redis-server, no persistence)', () => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.close();
  });

  it('answers commands clearly while it is down and loses nothing once it is back', async () => {
    p = await startProduct({ timeScale, env: realTimeDecisions });
    const product = p;
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });
    await waitUntil(async () => (await product.deploymentState(1)) === 'soaking', {
      timeoutMs: 60_000,
      label: 'the canary soak',
    });

    await product.redis.stop();
    const downAt = Date.now();
    const answers: { command: string; status: number; ms: number; text: string }[] = [];
    for (const text of ['status', 'start v4.0.0 to staging', 'approve']) {
      const responsesBefore = product.slack.responses.length;
      const sent = Date.now();
      const reply = await product.client.command(text, { user: people.lead });
      const ms = Date.now() - sent;
      const answer = await waitUntil(() => product.slack.responses[responsesBefore], {
        timeoutMs: 10_000,
        label: `an answer to ${text}`,
      }).catch(() => undefined);
      answers.push({
        command: text,
        status: reply.status,
        ms,
        text: String((answer?.body as { text?: string })?.text ?? reply.text),
      });
    }
    console.info(`answers while Redis was down: ${JSON.stringify(answers, null, 1)}`);
    // Still down for the whole round of commands.
    expect(Date.now() - downAt).toBeLessThan(outageMs);
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, outageMs - (Date.now() - downAt))));
    await product.redis.start();
    const upAt = Date.now();

    // Within Slack's 3 s, never a 5xx, and always words a person can act on.
    for (const answer of answers) {
      expect(answer.status, answer.command).toBe(200);
      expect(answer.ms, answer.command).toBeLessThan(3_000);
      expect(answer.text, answer.command).not.toMatch(/^\s*$|Something went wrong/);
    }
    expect(answers[0]?.text).toMatch(/Deployment #1|#1/);

    // The soak ended during the outage: the prompt still comes once Redis is back.
    const prompt = await waitUntil(
      () =>
        product.slack
          .callsOf('chat.postMessage')
          .find((call) => /Promote to \*50%\*/.test(String(call.args.text))),
      { timeoutMs: 45_000, label: 'the promotion prompt after Redis came back' },
    );
    console.info(`promotion prompt ${prompt.at - upAt} ms after Redis came back`);
    expect(product.app.child?.exitCode ?? null).toBeNull();
    // Check-ins due during the outage fire together once the reconciler re-arms them.
    await waitUntil(() => checkInPosts(product.slack).size >= 12, {
      timeoutMs: 30_000,
      label: 'all 12 check-ins',
    }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Deployment #1's thread only: the staging deployment started during the outage has its own.
    const rootTs = (await product.db.query(`SELECT root_ts FROM deployments WHERE id = 1`)).rows[0]?.root_ts;
    const checkIns = checkInPosts(product.slack, rootTs);
    expect([...checkIns].sort((a, b) => a[0] - b[0])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i + 1, 1]),
    );

    // What the start during the outage said must be what happened.
    const staging = (
      await product.db.query<{ id: number; state: string }>(
        `SELECT id, state FROM deployments WHERE environment = 'staging'`,
      )
    ).rows;
    const startAnswer = answers[1]?.text ?? '';
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    const stagingSteps =
      (
        await product.db.query(
          `SELECT 1 FROM step_runs s JOIN deployments d ON d.id = s.deployment_id WHERE d.environment = 'staging' AND s.started_at IS NOT NULL`,
        )
      ).rowCount ?? 0;
    if (/Nothing new was started/.test(startAnswer)) {
      expect({ deployments: staging, stepsRun: stagingSteps }, `the answer was "${startAnswer}"`).toEqual({
        deployments: [],
        stepsRun: 0,
      });
    } else {
      // Recorded in Postgres, so started; it says the steps wait for Redis, and they ran once it was back.
      expect(startAnswer).toMatch(/Started deployment #2.*Redis is unreachable/s);
      expect(stagingSteps).toBeGreaterThan(0);
    }
  });
});
