import { describe, expect, it } from 'vitest';
import { actOnSuccessCheck } from '../../../../src/deploy/flow/success-criteria.js';
import { afterCommit } from '../../../../src/deploy/intents.js';
import {
  addPrompt,
  followUpKinds,
  hour,
  now,
  publishedPrompts,
  runFlow,
  seedDeployment,
  threadNotes,
  useDeployFixture,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

const met = { met: true, lines: [':white_check_mark: production runs v4.0.0 at 100%'] };
const notMet = { met: false, lines: [':x: 1 critical or major issue(s) still open'] };

describe('actOnSuccessCheck', () => {
  it('criteria met: the Project Lead is asked to declare completion, with the criteria in the prompt', async () => {
    const deployment = await seedDeployment(fx, { state: 'success_window', stageIndex: 2 });

    const { later, after } = await runFlow(fx, deployment.id, (client, later) =>
      actOnSuccessCheck(client, fx.deps, deployment, met, later),
    );

    expect(after.state).toBe('success_window');
    const [declare, ...others] = publishedPrompts(later);
    expect(others).toEqual([]);
    expect(declare?.prompt.kind).toBe('declare_complete');
    expect(declare?.message.text).toContain(':white_check_mark: production runs v4.0.0 at 100%');
    expect(later.arm).toEqual([]);
  });

  it('criteria not met: checks again in an hour and says why once, not at every re-check', async () => {
    const deployment = await seedDeployment(fx, { state: 'success_window', stageIndex: 2 });

    const first = await runFlow(fx, deployment.id, (client, later) =>
      actOnSuccessCheck(client, fx.deps, deployment, notMet, later),
    );
    const second = await runFlow(fx, deployment.id, (client, later) =>
      actOnSuccessCheck(client, fx.deps, deployment, notMet, later),
    );

    expect(first.later.arm.map((timer) => [timer?.kind, timer?.key, timer?.fireAt])).toEqual([
      ['success_check', 'success-1-0', new Date(now.getTime() + hour)],
    ]);
    expect(followUpKinds(first.later)).toEqual(['thread_note']);
    expect(threadNotes(first.later)[0]).toContain(':x: 1 critical or major issue(s) still open');
    expect(second.later.arm.map((timer) => timer?.key)).toEqual(['success-1-1']);
    expect(second.later.followUps).toEqual([]);
  });

  it('criteria met while a declaration prompt is still open asks nothing again', async () => {
    const deployment = await seedDeployment(fx, { state: 'success_window', stageIndex: 2 });
    await addPrompt(fx, deployment.id, 'declare_complete');

    const { later } = await runFlow(fx, deployment.id, (client, later) =>
      actOnSuccessCheck(client, fx.deps, deployment, met, later),
    );

    expect(later).toEqual(afterCommit());
  });
});
