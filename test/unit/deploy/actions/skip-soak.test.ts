import { describe, expect, it } from 'vitest';
import { skipSoak } from '../../../../src/deploy/actions/skip-soak.js';
import {
  addTimer,
  auditActions,
  enqueuedRuns,
  followUpKinds,
  hour,
  now,
  runAction,
  seedDeployment,
  threadNotes,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('skip soak (soaking → running)', () => {
  it('skipping the canary soak with a reason shifts to 50% now, cancels the soak timer and says so in the thread', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'soaking',
      stageIndex: 0,
      stageStartedAt: new Date(now.getTime() - 6 * hour),
    });
    const soak = await addTimer(fx, deployment.id, {
      kind: 'soak_end',
      key: 'soak-1-0-0',
      fireAt: new Date(now.getTime() + 18 * hour),
      payload: { stageIndex: 0 },
    });

    const { later, after, result } = await runAction(fx, skipSoak, deployment, {
      decision: 'skip_soak',
      reason: 'hotfix for a clinic outage',
    });

    expect(after.state).toBe('running');
    expect(result).toBe(
      'Soak skipped (flagged in the audit log); promoting deployment #1 (v4.0.0 → production) to 50%.',
    );
    expect((await enqueuedRuns(fx, later)).map((run) => run.stepId)).toEqual(['shift_to_expanded']);
    expect(later.disarm.map((timer) => timer.id)).toEqual([soak.id]);
    expect(await timerStatus(fx, soak.id)).toBe('cancelled');
    expect(followUpKinds(later)).toEqual(['thread_note']);
    expect(threadNotes(later)).toEqual([
      ':warning: Promoted early by <@ULEAD>: hotfix for a clinic outage. The rest of the Stage 1: Canary soak is skipped; promoting to 50%.',
    ]);
    expect(later.arm).toEqual([]);
    expect(later.notify).toEqual([]);
    const skipped = (await auditActions(fx, deployment.id)).find((row) => row.action === 'soak_skipped');
    expect(skipped?.detail).toEqual({
      flagged: true,
      reason: 'hotfix for a clinic outage',
      stage: 'canary',
      remainingMs: 18 * hour,
    });
  });

  it('skipping a soak without a reason is refused and the soak goes on', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const soak = await addTimer(fx, deployment.id, {
      kind: 'soak_end',
      key: 'soak-1-0-0',
      payload: { stageIndex: 0 },
    });

    const error = await runAction(fx, skipSoak, deployment, { decision: 'skip_soak', reason: '  ' }).catch(
      (e) => e,
    );

    expect(error).toMatchObject({ code: 'bad_input' });
    expect(await timerStatus(fx, soak.id)).toBe('pending');
    const fresh = await fx.db.query('SELECT state FROM deployments WHERE id = $1', [deployment.id]);
    expect(fresh.rows[0]?.state).toBe('soaking');
  });
});
