import { describe, expect, it } from 'vitest';
import { advanceRollback, startRollback } from '../../../../src/deploy/flow/rollback.js';
import {
  addPrompt,
  addRun,
  addTimer,
  enqueuedRuns,
  followUpKinds,
  notifiedKeys,
  publishedPrompts,
  runFlow,
  seedDeployment,
  threadNotes,
  timerStatus,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('startRollback', () => {
  it('an auto-rollback in the success window reverts, closes the declaration prompt and stops every rollout timer', async () => {
    const deployment = await seedDeployment(fx, { state: 'success_window', stageIndex: 2 });
    const check = await addTimer(fx, deployment.id, { kind: 'success_check', key: 'success-1-0' });
    const daily = await addTimer(fx, deployment.id, { kind: 'review', key: 'review-daily-1-2' });
    const report = await addTimer(fx, deployment.id, { kind: 'report', key: 'report-1' });
    const declare = await addPrompt(fx, deployment.id, 'declare_complete');

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      startRollback(client, fx.deps, deployment.id, 'stagecoach', 'auto-rollback: error_rate', later),
    );

    expect(after.state).toBe('rolling_back');
    expect((await enqueuedRuns(fx, later)).map((run) => [run.stepId, run.attempt])).toEqual([['revert', 1]]);
    expect(later.disarm.map((timer) => timer.id).sort()).toEqual([check.id, daily.id].sort());
    expect(await timerStatus(fx, report.id)).toBe('pending');
    expect(followUpKinds(later)).toEqual(['show_decided', 'stop_monitoring', 'thread_note']);
    const decided = later.followUps.find((f) => f.kind === 'show_decided');
    expect(decided?.kind === 'show_decided' && decided.prompts.map((p) => p.id)).toEqual([declare.id]);
    // Note: Stagecoach's own actor id is rendered as a Slack mention (`<@stagecoach>`).
    expect(threadNotes(later)).toEqual([
      ':rewind: Rollback started by <@stagecoach>: auto-rollback: error_rate. Reverting to v3.9.0.',
    ]);
    expect(notifiedKeys(later)).toEqual(['milestone-1-rollback-start:management']);
    const pending = await fx.db.query(`SELECT step_id FROM step_runs WHERE status = 'pending'`);
    expect(pending.rows).toEqual([{ step_id: 'revert' }]);
  });
});

describe('advanceRollback', () => {
  it('after a revert of a deployment whose migrations changed the schema, it asks a DBA to confirm the restore', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'rolling_back',
      stageIndex: 0,
      backupFile: '/backups/deployment-1.dump',
      schemaChanged: true,
    });
    const revert = await addRun(
      fx,
      deployment.id,
      { stepId: 'revert', phase: 'rollback', position: 1000 },
      'succeeded',
    );

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advanceRollback(client, fx.deps, deployment, revert, later),
    );

    expect(after.state).toBe('awaiting_restore');
    expect(later.enqueue).toEqual([]);
    const [restore, ...others] = publishedPrompts(later);
    expect(others).toEqual([]);
    expect(restore?.prompt.kind).toBe('restore_database');
    expect(restore?.message.text).toContain('*Data written since then will be lost.*');
    expect(JSON.stringify(restore?.message.blocks)).toContain(
      'Confirmed by: Database Admin or Deployment Lead',
    );
  });

  it('after a revert with the schema unchanged, the deployment ends rolled back and production is locked', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'rolling_back',
      stageIndex: 0,
      backupFile: '/backups/deployment-1.dump',
      schemaChanged: false,
    });
    const revert = await addRun(
      fx,
      deployment.id,
      { stepId: 'revert', phase: 'rollback', position: 1000 },
      'succeeded',
    );

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advanceRollback(client, fx.deps, deployment, revert, later),
    );

    expect(after.state).toBe('rolled_back');
    expect(followUpKinds(later)).toEqual(['refresh_root', 'thread_note']);
    const lock = await fx.db.query('SELECT environment FROM environment_locks');
    expect(lock.rows).toEqual([{ environment: 'production' }]);
  });

  it('a failed revert stops in rollback_failed with a prompt to retry it', async () => {
    const deployment = await seedDeployment(fx, { state: 'rolling_back', stageIndex: 0 });
    const revert = await addRun(
      fx,
      deployment.id,
      { stepId: 'revert', phase: 'rollback', position: 1000 },
      'failed',
    );

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      advanceRollback(client, fx.deps, deployment, revert, later),
    );

    expect(after.state).toBe('rollback_failed');
    expect(publishedPrompts(later).map((p) => p.prompt.kind)).toEqual(['rollback_failed']);
    expect(publishedPrompts(later)[0]?.message.text).toContain(
      'Rollback step *Revert to the previous version* failed',
    );
    expect(later.enqueue).toEqual([]);
  });
});
