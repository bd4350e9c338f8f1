import { describe, expect, it } from 'vitest';
import { checkIn } from '../../../../src/deploy/flow/check-ins.js';
import { getPrompt } from '../../../../src/infra/db/prompts.js';
import type { Snapshot } from '../../../../src/infra/monitor/snapshot.js';
import {
  addPrompt,
  addTimer,
  followUpKinds,
  now,
  runFlow,
  seedDeployment,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();
const snapshot: Snapshot = { takenAt: now, metrics: [], health: { status: 'ok', summary: 'ok' } };
const minute = 60_000;

/** A rehearsal: check-ins come at TIME_SCALE 3600, people answer in real time. */
const rehearsalDeps = () => ({
  ...fx.deps,
  settings: { ...fx.deps.settings, timeScale: 3600, decisionScale: 1 },
});

async function createdAgo(promptId: number, ms: number) {
  await fx.db.query('UPDATE prompts SET created_at = $2 WHERE id = $1', [
    promptId,
    new Date(now.getTime() - ms),
  ]);
}

describe('checkIn in a rehearsal with REHEARSAL_DECISION_SCALE', () => {
  it('leaves an open check-in younger than its answer window open: not missed, nobody paged', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const first = await addPrompt(fx, deployment.id, 'check_in', { n: 1 });
    await createdAgo(first.id, 1_000);
    const timer = await addTimer(
      fx,
      deployment.id,
      { kind: 'check_in', key: `check-in-${deployment.id}-2`, payload: { n: 2, total: 12 } },
      'fired',
    );
    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      checkIn(client, rehearsalDeps(), deployment, timer, snapshot, later),
    );
    expect(followUpKinds(later)).toEqual(['publish_prompt']);
    expect((await getPrompt(fx.db, first.id))?.status).toBe('open');
  });

  it("counts one open past its 30 real minutes as missed, and pages after the plan's two misses", async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const first = await addPrompt(fx, deployment.id, 'check_in', { n: 1 });
    const second = await addPrompt(fx, deployment.id, 'check_in', { n: 2 });
    const third = await addPrompt(fx, deployment.id, 'check_in', { n: 3 });
    await createdAgo(first.id, 40 * minute);
    await createdAgo(second.id, 31 * minute);
    await createdAgo(third.id, 1_000);
    const timer = await addTimer(
      fx,
      deployment.id,
      { kind: 'check_in', key: `check-in-${deployment.id}-4`, payload: { n: 4, total: 12 } },
      'fired',
    );
    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      checkIn(client, rehearsalDeps(), deployment, timer, snapshot, later),
    );
    expect((await getPrompt(fx.db, first.id))?.status).toBe('decided');
    expect((await getPrompt(fx.db, second.id))?.status).toBe('decided');
    expect((await getPrompt(fx.db, third.id))?.status).toBe('open');
    expect(followUpKinds(later)).toContain('channel_post');
  });
});
