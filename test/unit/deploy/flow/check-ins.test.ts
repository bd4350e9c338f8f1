import { describe, expect, it } from 'vitest';
import { checkIn } from '../../../../src/deploy/flow/check-ins.js';
import { decidePrompt, getPrompt } from '../../../../src/infra/db/prompts.js';
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

const snapshot: Snapshot = { takenAt: now, metrics: [], health: { status: 'ok', summary: 'ok' } };

async function dueCheckIn(deploymentId: number, n: number): Promise<Timer> {
  return addTimer(
    fx,
    deploymentId,
    { kind: 'check_in', key: `check-in-${deploymentId}-${n}`, payload: { n, total: 12 } },
    'fired',
  );
}

describe('checkIn', () => {
  it('the first check-in of the canary posts one check-in prompt numbered 1/12, and nothing else', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const timer = await dueCheckIn(deployment.id, 1);

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      checkIn(client, fx.deps, deployment, timer, snapshot, later),
    );

    expect(after.state).toBe('soaking');
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    const [prompt] = publishedPrompts(later);
    expect(prompt?.prompt).toMatchObject({ kind: 'check_in', status: 'open', payload: { n: 1 } });
    expect(prompt?.message.text).toMatch(
      /Check-in 1\/12 at <!date\^\d+\^{date_short_pretty} at {time}\|Sat, Jun 7, 2025, 10:00 EDT> · 10% of traffic on the new version/,
    );
    expect(later.enqueue).toEqual([]);
    expect(later.arm).toEqual([]);
  });

  it('a check-in left unanswered is closed by the next one, which says it went unanswered', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const first = await addPrompt(fx, deployment.id, 'check_in', { n: 1 });
    const timer = await dueCheckIn(deployment.id, 2);

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      checkIn(client, fx.deps, deployment, timer, snapshot, later),
    );

    // One miss is below the plan's pageAfterMissed (2): nobody is paged yet.
    expect(followUpKinds(later)).toEqual(['publish_prompt', 'show_decided']);
    expect(await getPrompt(fx.db, first.id)).toMatchObject({
      status: 'decided',
      decidedBy: 'stagecoach',
      decision: 'No answer before the next check-in',
    });
    expect(JSON.stringify(publishedPrompts(later)[0]?.message.blocks)).toContain(
      ':warning: Check-in 1 went unanswered.',
    );
  });

  it('two check-ins in a row unanswered page the Deployment Lead in the channel', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const first = await addPrompt(fx, deployment.id, 'check_in', { n: 1 });
    await decidePrompt(fx.db, first.id, 'No answer before the next check-in', 'stagecoach');
    await addPrompt(fx, deployment.id, 'check_in', { n: 2 });
    const timer = await dueCheckIn(deployment.id, 3);

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      checkIn(client, fx.deps, deployment, timer, snapshot, later),
    );

    expect(followUpKinds(later)).toEqual(['channel_post', 'publish_prompt', 'show_decided']);
    const page = later.followUps.find((f) => f.kind === 'channel_post');
    expect(page?.kind === 'channel_post' && [page.channel, page.message.text]).toEqual([
      'C_DEPLOY',
      ':bell: <@ULEAD> 2 check-ins in a row went unanswered on deployment #1 (v4.0.0 → production). Answer the latest one in the thread.',
    ]);
  });
});
