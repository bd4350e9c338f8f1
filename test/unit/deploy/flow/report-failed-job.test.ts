import { describe, expect, it } from 'vitest';
import { reportFailedJob } from '../../../../src/deploy/flow/report-failed-job.js';
import { listNotifications } from '../../../../src/infra/db/notifications.js';
import { addTimer, seedDeployment, useDeployFixture } from '../../../support/deploy-fixture.js';

const fx = useDeployFixture();

const slackRows = async () =>
  (
    await fx.db.query<{ dedupeKey: string; target: Record<string, unknown>; text: string }>(
      `SELECT dedupe_key AS "dedupeKey", target, message->>'text' AS text FROM notifications ORDER BY id`,
    )
  ).rows;

describe('reportFailedJob', () => {
  it("a deployment's timer that failed for good is said once in its thread", async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const timer = await addTimer(fx, deployment.id, {
      kind: 'soak_end',
      key: `soak-${deployment.id}-0-0`,
      payload: { stageIndex: 0 },
    });
    const job = {
      queue: 'timers',
      jobId: `timer-${timer.id}`,
      data: { timerId: timer.id },
      attemptsMade: 1,
      error: new Error('lock timeout.'),
    };
    // Slack and Redis refuse here: the row is what matters, delivered later by the outbox.
    await reportFailedJob(fx.deps, job);
    await reportFailedJob(fx.deps, job);

    const rows = await slackRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.target).toEqual({ channel: 'C_DEPLOY', deploymentThread: deployment.id });
    expect(rows[0]?.text).toBe(
      ':x: The end of the soak failed: lock timeout. Stagecoach tries it again when it next reconciles; fix the cause, or see the logs.',
    );
  });

  it('a failed message about a failed job is not reported again', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const timer = await addTimer(fx, deployment.id, { kind: 'review', key: 'review-x', payload: { n: 1 } });
    await reportFailedJob(fx.deps, {
      queue: 'timers',
      jobId: 'timer-x',
      data: { timerId: timer.id },
      attemptsMade: 1,
      error: new Error('boom'),
    });
    const [report] = await listNotifications(fx.db, {});
    expect(report).toBeDefined();
    await reportFailedJob(fx.deps, {
      queue: 'notify',
      jobId: `notification-${report?.id}`,
      data: { notificationId: report?.id },
      attemptsMade: 8,
      error: new Error('slack is down'),
    });
    expect(await slackRows()).toHaveLength(1);
  });
});
