import { describe, expect, it } from 'vitest';
import { declareComplete } from '../../../../src/deploy/actions/declare-complete.js';
import {
  addPrompt,
  addTimer,
  followUpKinds,
  notifiedKeys,
  publishedPrompts,
  runAction,
  seedDeployment,
  threadNotes,
  timerStatus,
  useDeployFixture,
  users,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

describe('declare complete (success_window → completed)', () => {
  it('declaring v4.0.0 complete stops the check-ins but not the reviews, announces success to end users (support, email, in-app) and opens the documentation checklist', async () => {
    const deployment = await seedDeployment(fx, { state: 'success_window', stageIndex: 2 });
    const checkIn = await addTimer(fx, deployment.id, { kind: 'check_in', key: 'check-in-1-12' });
    const daily = await addTimer(fx, deployment.id, {
      kind: 'review',
      key: 'review-daily-1-5',
      payload: { kind: 'daily', n: 5, total: 7 },
    });

    const { later, after, result } = await runAction(fx, declareComplete, deployment, {
      decision: 'declare_complete',
      userId: users.project,
    });

    expect(after.state).toBe('completed');
    expect(after.endedAt).not.toBeNull();
    expect(result).toBe('Declared deployment #1 (v4.0.0 → production) complete.');
    expect(later.disarm.map((timer) => timer.id)).toEqual([checkIn.id]);
    expect(await timerStatus(fx, daily.id)).toBe('pending');
    expect(later.enqueue).toEqual([]);
    // Declared without its prompt (by command, before the prompt was posted), the thread is told.
    expect(followUpKinds(later)).toEqual(['publish_prompt', 'thread_note']);
    expect(threadNotes(later)).toEqual([
      ':white_check_mark: <@UPROJECT> declared v4.0.0 complete on production.',
    ]);
    const [checklist] = publishedPrompts(later);
    expect(checklist?.prompt.kind).toBe('documentation');
    for (const item of fx.plan.documentationUpdates)
      expect(JSON.stringify(checklist?.message)).toContain(item);
    // The end-user notice goes where users are told things (in Slack: the support channel); the
    // team and management already had their own lines.
    expect(notifiedKeys(later)).toEqual([
      'briefing-after-1:support',
      'milestone-1-end:management',
      'status-1-end:status_page',
      'success-1:email',
      'success-1:in_app',
      'success-1:support',
    ]);
  });

  it('declared from its prompt, no extra line: the prompt shows who declared it and when', async () => {
    const deployment = await seedDeployment(fx, { state: 'success_window', stageIndex: 2 });
    const prompt = await addPrompt(fx, deployment.id, 'declare_complete');
    const { later, after } = await runAction(
      fx,
      declareComplete,
      deployment,
      { decision: 'declare_complete', userId: users.project },
      prompt,
    );
    expect(after.state).toBe('completed');
    expect(threadNotes(later)).toEqual([]);
  });

  it('a deployment still soaking cannot be declared complete', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 1 });

    const error = await runAction(fx, declareComplete, deployment, {
      decision: 'declare_complete',
      userId: users.project,
    }).catch((e) => e);

    expect(error).toMatchObject({ code: 'conflict' });
    const checklist = await fx.db.query('SELECT 1 FROM documentation_updates');
    expect(checklist.rowCount).toBe(0);
  });
});
