import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../support/wait.js';
import { farGoNoGo, manyEnvironments } from './support/plan-file.js';
import { type Product, startProduct } from './support/product.js';
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
      editPlan: (plan) => {
        manyEnvironments(environments)(plan);
        farGoNoGo(plan);
      },
    });
    const product = p;
    await product.app.boot();
    const replies = await Promise.all(
      Array.from({ length: environments }, (_, i) => {
        const sent = Date.now();
        return product.client.command(`start v4.0.0 to env-${i + 1}`, { user: people.lead }).then((reply) => ({ status: reply.status, ms: Date.now() - sent }));
      }),
    );
    await waitUntil(() => product.slack.responses.length >= environments, { timeoutMs: 30_000, label: 'an answer to every start' }).catch(() => undefined);
    const answers = product.slack.responses.map((r) => String((r.body as { text?: string }).text ?? ''));
    const deployments = await product.db.query<{ n: number; rooted: number }>(
      `SELECT count(*)::int AS n, count(root_ts)::int AS rooted FROM deployments`,
    );
    console.info(`statuses: ${JSON.stringify(replies)}; answers: ${JSON.stringify(answers.map((a) => a.slice(0, 80)))}`);
    expect(replies.map((r) => r.status)).toEqual(Array(environments).fill(200));
    expect(Math.max(...replies.map((r) => r.ms))).toBeLessThan(3_000);
    expect(answers.filter((a) => a.startsWith('Started deployment'))).toHaveLength(environments);
    expect(deployments.rows[0]).toEqual({ n: environments, rooted: environments });
  });
});
