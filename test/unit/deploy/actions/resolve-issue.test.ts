import { describe, expect, it } from 'vitest';
import { resolveIssue } from '../../../../src/deploy/actions/resolve-issue.js';
import { afterCommit } from '../../../../src/deploy/intents.js';
import type { Deployment } from '../../../../src/infra/db/deployments.js';
import {
  addPrompt,
  addTimer,
  hour,
  now,
  runAction,
  seedDeployment,
  useDeployFixture,
  users,
} from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

async function reportIssue(deployment: Deployment) {
  const issue = await fx.db.query<{ id: number }>(
    `INSERT INTO issues (deployment_id, severity, description, reported_by) VALUES ($1, 'major', 'slow charts', $2) RETURNING id`,
    [deployment.id, users.dba],
  );
  const issueId = issue.rows[0]?.id as number;
  return { issueId, prompt: await addPrompt(fx, deployment.id, 'issue', { issueId }) };
}

describe('resolve issue (state unchanged)', () => {
  it('resolving the last major issue after the 72-hour window asks for a success check right away', async () => {
    const deployment = await seedDeployment(fx, {
      state: 'success_window',
      stageIndex: 2,
      stageStartedAt: new Date(now.getTime() - 80 * hour),
    });
    await addTimer(fx, deployment.id, { kind: 'success_check', key: 'success-1-0' }, 'fired');
    const { issueId, prompt } = await reportIssue(deployment);

    const { later, after, result } = await runAction(
      fx,
      resolveIssue,
      deployment,
      { decision: 'resolve_issue', userId: users.dba },
      prompt,
    );

    expect(result).toBe(`Issue #${issueId} resolved.`);
    expect(after.state).toBe('success_window');
    expect(later.arm.map((timer) => [timer?.kind, timer?.key, timer?.fireAt])).toEqual([
      ['success_check', 'success-1-1', now],
    ]);
    expect(later.enqueue).toEqual([]);
    expect(later.followUps).toEqual([]);
    const stored = await fx.db.query('SELECT status, resolved_by FROM issues WHERE id = $1', [issueId]);
    expect(stored.rows[0]).toEqual({ status: 'resolved', resolved_by: users.dba });
  });

  it('resolving an issue during the canary soak records it and schedules nothing', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const { prompt } = await reportIssue(deployment);

    const { later } = await runAction(fx, resolveIssue, deployment, { decision: 'resolve_issue' }, prompt);

    expect(later).toEqual(afterCommit());
  });

  it('an issue cannot be resolved twice', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const { prompt } = await reportIssue(deployment);
    await runAction(fx, resolveIssue, deployment, { decision: 'resolve_issue' }, prompt);

    const error = await runAction(fx, resolveIssue, deployment, { decision: 'resolve_issue' }, prompt).catch(
      (e) => e,
    );

    expect(error).toMatchObject({ code: 'conflict', message: 'That issue is already resolved.' });
  });
});
