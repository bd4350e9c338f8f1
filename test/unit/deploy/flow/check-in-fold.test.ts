import { describe, expect, it } from 'vitest';
import { checkIn, review } from '../../../../src/deploy/flow/check-ins.js';
import { getDeployment } from '../../../../src/infra/db/deployments.js';
import { decidePrompt, getPrompt, type Prompt, setPromptMessage } from '../../../../src/infra/db/prompts.js';
import type { Timer } from '../../../../src/infra/db/timers.js';
import type { Snapshot } from '../../../../src/infra/monitor/snapshot.js';
import {
  addPrompt,
  addTimer,
  followUpKinds,
  now,
  publishedPrompts,
  runFlow,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

const quiet: Snapshot = { takenAt: now, metrics: [], health: { status: 'ok', summary: 'ok' } };
const failing: Snapshot = { takenAt: now, metrics: [], health: { status: 'failing', summary: 'HTTP 503' } };

async function dueCheckIn(deploymentId: number, n: number): Promise<Timer> {
  return addTimer(
    fx,
    deploymentId,
    { kind: 'check_in', key: `check-in-${deploymentId}-${n}`, payload: { n, total: 12 } },
    'fired',
  );
}

/** A check-in already in Slack, as checkIn records one: all within limits at 10% in the canary. */
async function postedCheckIn(
  deploymentId: number,
  n: number,
  extra: Record<string, unknown> = {},
): Promise<Prompt> {
  const prompt = await addPrompt(fx, deploymentId, 'check_in', {
    n,
    allWithinLimits: true,
    percent: 10,
    stageIndex: 0,
    shown: [n],
    missedShown: [],
    ...extra,
  });
  await setPromptMessage(fx.db, prompt.id, `1700000000.00000${n}`, { text: `Check-in ${n}/12`, blocks: [] });
  return prompt;
}

async function next(deploymentId: number, n: number, snapshot = quiet) {
  const deployment = await getDeployment(fx.db, deploymentId);
  if (!deployment) throw new Error('no deployment');
  const timer = await dueCheckIn(deploymentId, n);
  return runFlow(fx, deploymentId, (client, later) =>
    checkIn(client, fx.deps, deployment, timer, snapshot, later),
  );
}

describe('check-ins within limits share one message', () => {
  it('a quiet check-in after an unanswered quiet one edits its message, which now stands for both', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0, currentPercent: 10 });
    const first = await postedCheckIn(deployment.id, 1);

    const { later } = await next(deployment.id, 2);

    // The missed one is not rewritten as decided: the edit that replaces it says it went unanswered.
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    const [published] = publishedPrompts(later);
    expect(published?.prompt.payload).toMatchObject({
      n: 2,
      shown: [1, 2],
      missedShown: [1],
      replacesMessageTs: '1700000000.000001',
    });
    expect(published?.message.text).toMatch(/^:stethoscope: Check-ins 1–2\/12 at .* all within limits/);
    expect(JSON.stringify(published?.message.blocks)).toContain(':warning: Check-in 1 went unanswered.');
    expect(await getPrompt(fx.db, first.id)).toMatchObject({ status: 'decided', decidedBy: 'stagecoach' });
  });

  it('keeps folding: the third joins the message of the first two', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0, currentPercent: 10 });
    await postedCheckIn(deployment.id, 2, { shown: [1, 2], missedShown: [1] });
    const { later } = await next(deployment.id, 3);
    const [published] = publishedPrompts(later);
    expect(published?.prompt.payload).toMatchObject({ shown: [1, 2, 3], missedShown: [1, 2] });
    expect(published?.message.text).toContain('Check-ins 1–3/12');
    expect(JSON.stringify(published?.message.blocks)).toContain('Check-ins 1–2 went unanswered.');
  });

  it('posts a message of its own after a check-in somebody answered', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0, currentPercent: 10 });
    const ok = await postedCheckIn(deployment.id, 1);
    await decidePrompt(fx.db, ok.id, 'All good', 'ULEAD');
    const [published] = publishedPrompts((await next(deployment.id, 2)).later);
    expect(published?.prompt.payload).not.toHaveProperty('replacesMessageTs');
    expect(published?.message.text).toContain('Check-in 2/12');
  });

  it('posts a message of its own when something is not within limits', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0, currentPercent: 10 });
    await postedCheckIn(deployment.id, 1);
    const [published] = publishedPrompts((await next(deployment.id, 2, failing)).later);
    expect(published?.prompt.payload).not.toHaveProperty('replacesMessageTs');
    expect(published?.message.text).toContain('Check-in 2/12');
  });

  it('posts a message of its own once a new stage is live', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1, currentPercent: 50 });
    await postedCheckIn(deployment.id, 1);
    const [published] = publishedPrompts((await next(deployment.id, 2)).later);
    expect(published?.prompt.payload).not.toHaveProperty('replacesMessageTs');
  });

  it('joins the one before while it is still on its way to Slack, with a message of its own to fall back on', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0, currentPercent: 10 });
    const first = await addPrompt(fx, deployment.id, 'check_in', {
      n: 1,
      allWithinLimits: true,
      percent: 10,
      stageIndex: 0,
    });
    const [published] = publishedPrompts((await next(deployment.id, 2)).later);
    expect(published?.prompt.payload).toMatchObject({ foldOf: first.id, shown: [1, 2] });
    expect(published?.prompt.payload).not.toHaveProperty('replacesMessageTs');
    // Should check-in 1 never reach Slack in time, check-in 2 shows alone: no check-in in two messages.
    const stored = await getPrompt(fx.db, published?.prompt.id as number);
    const alone = stored?.payload.alone as { message: { text: string }; payload: unknown };
    expect(alone.message.text).toContain('Check-in 2/12 at');
    expect(alone.payload).toEqual({ shown: [2], missedShown: [1] });
  });
});

describe('daily reviews within limits share one message', () => {
  async function dueReview(deploymentId: number, n: number): Promise<Timer> {
    return addTimer(
      fx,
      deploymentId,
      { kind: 'review', key: `review-daily-${deploymentId}-${n}`, payload: { kind: 'daily', n, total: 7 } },
      'fired',
    );
  }
  async function reviewDue(deploymentId: number, n: number, snapshot = quiet) {
    const deployment = await getDeployment(fx.db, deploymentId);
    if (!deployment) throw new Error('no deployment');
    const timer = await dueReview(deploymentId, n);
    await runFlow(fx, deploymentId, (client, later) =>
      review(client, fx.deps, deployment, timer, snapshot, later),
    );
  }
  const rows = async (deploymentId: number) =>
    (
      await fx.db.query<{ key: string; replaces: string | null; text: string }>(
        `SELECT dedupe_key AS key, target->>'replaces' AS replaces, message->>'text' AS text
           FROM notifications WHERE deployment_id = $1 ORDER BY id`,
        [deploymentId],
      )
    ).rows;

  it('edits the quiet review before it, then starts a new message when something is wrong', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'success_window',
      stageIndex: 2,
      currentPercent: 100,
    });
    await reviewDue(deployment.id, 1);
    await reviewDue(deployment.id, 2);
    await reviewDue(deployment.id, 3, failing);
    await reviewDue(deployment.id, 4);
    const all = await rows(deployment.id);
    const first = all[0];
    expect(first?.key).toBe(`review:${deployment.id}:daily:quiet:1`);
    // Review 2 rewrites review 1's line while unsent, or replaces its message once sent; either way
    // one message stands for both, and no line of its own.
    const latestOfFirst = all.filter((row) => row.key === first?.key || row.replaces === first?.key).at(-1);
    expect(latestOfFirst?.text).toContain('Daily reviews 1–2/7');
    const own = all.filter((row) => row.replaces === null).map((row) => row.key);
    expect(own).toEqual([
      `review:${deployment.id}:daily:quiet:1`,
      `review:${deployment.id}:daily:loud:3`,
      `review:${deployment.id}:daily:quiet:4`,
    ]);
    const fourth = all.at(-1);
    expect(fourth?.text).toContain('Daily review 4/7');
  });
});
