import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';
import { manyEnvironments } from './support/plan-file.js';
import { type Product, realTimeDecisions, startProduct } from './support/product.js';
import { openPrompts } from './support/prompts.js';
import { people } from './support/rehearsal.js';

const environments = 20;

describe('20 people starting deployments to 20 environments at the same moment', () => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.close();
  });

  it('acknowledges and starts every one (the pool holds 10 connections)', async () => {
    p = await startProduct({
      timeScale: '1',
      // Half the default, so 20 starts must share: a start that held one connection while
      // waiting for a second used to starve the rest. Real time: the plan's 30-minute go/no-go
      // deadline is far beyond this test.
      env: { DATABASE_POOL_SIZE: '10' },
      editPlan: manyEnvironments(environments),
    });
    const product = p;
    await product.app.boot();
    const replies = await Promise.all(
      Array.from({ length: environments }, (_, i) => {
        const sent = Date.now();
        return product.client
          .command(`start v4.0.0 to env-${i + 1}`, { user: people.lead })
          .then((reply) => ({ status: reply.status, ms: Date.now() - sent }));
      }),
    );
    await waitUntil(() => product.slack.responses.length >= environments, {
      timeoutMs: 30_000,
      label: 'an answer to every start',
    }).catch(() => undefined);
    const answers = product.slack.responses.map((r) => String((r.body as { text?: string }).text ?? ''));
    const deployments = await product.db.query<{ n: number; rooted: number }>(
      `SELECT count(*)::int AS n, count(root_ts)::int AS rooted FROM deployments`,
    );
    console.info(
      `statuses: ${JSON.stringify(replies)}; answers: ${JSON.stringify(answers.map((a) => a.slice(0, 80)))}`,
    );
    expect(replies.map((r) => r.status)).toEqual(Array(environments).fill(200));
    expect(Math.max(...replies.map((r) => r.ms))).toBeLessThan(3_000);
    expect(answers.filter((a) => a.startsWith('Started deployment'))).toHaveLength(environments);
    expect(deployments.rows[0]).toEqual({ n: environments, rooted: environments });
  });
});

describe('20 concurrent approve clicks on one promotion prompt, with the production pool', () => {
  let p: Product | undefined;
  afterAll(async () => {
    await p?.close();
  });

  it('answers all 20 within Slack’s time and shifts traffic exactly once', async () => {
    // 24 h of soak in 1.5 s.
    p = await startProduct({ timeScale: '57600', env: realTimeDecisions });
    const product = p;
    await product.app.boot();
    await product.client.command('start v4.0.0', { user: people.lead });
    const prompt = await waitUntil(
      () =>
        openPrompts(product.slack).find((candidate) =>
          candidate.buttons.some((b) => b.actionId === 'stage_promote'),
        ),
      { timeoutMs: 90_000, label: 'the promotion prompt' },
    );
    const value = prompt.buttons.find((b) => b.actionId === 'stage_promote')?.value as string;
    const before = product.slack.responses.length;
    const started = Date.now();
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        product.client.action('stage_promote', value, { user: people.lead, messageTs: prompt.message.ts }),
      ),
    );
    // The winner's answer is the prompt itself, edited to say who promoted; the 19 others are
    // told privately that it was already decided.
    const decidedEdit = () =>
      product.slack
        .callsOf('chat.update')
        .find((c) => c.args.ts === prompt.message.ts && String(c.args.text).includes('Promoted by'));
    await waitUntil(() => product.slack.responses.length - before >= 19 && decidedEdit(), {
      timeoutMs: 30_000,
      label: '19 answers and the decided prompt',
    }).catch(() => undefined);
    const answers = product.slack.responses
      .slice(before)
      .map((r) => String((r.body as { text?: string }).text ?? ''));
    const edit = decidedEdit();
    const answeredIn = Math.max(
      ...product.slack.responses.slice(before).map((r) => r.at - started),
      (edit?.at ?? Number.POSITIVE_INFINITY) - started,
    );
    console.info(`answers within ${answeredIn} ms: ${JSON.stringify(answers.map((a) => a.slice(0, 60)))}`);
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(answers).toHaveLength(19);
    expect(answers.filter((a) => a.startsWith('Already decided: Promoted by <@ULEAD>'))).toHaveLength(19);
    const decided = product.slack.messages('C_DEPLOY').filter((m) => /Promoted by <@ULEAD> at/.test(m.text));
    expect(decided.map((m) => m.ts)).toEqual([prompt.message.ts]);
    // A person sees the answer within a few seconds, not after a pool timeout.
    expect(answeredIn).toBeLessThan(3_000);
    await waitUntil(
      async () => (await product.workspace.invocations()).some((line) => line.endsWith('--percent=50')),
      { timeoutMs: 30_000, label: 'the 50% shift' },
    );
    expect(
      (await product.workspace.invocations()).filter((line) => line.includes('--percent=50')),
    ).toHaveLength(1);
  });
});
