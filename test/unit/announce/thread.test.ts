import { beforeEach, describe, expect, it } from 'vitest';
import { note } from '../../../src/announce/blocks/rollout-messages.js';
import { recoverNotifications } from '../../../src/announce/outbox/recover-notifications.js';
import { sendNotification } from '../../../src/announce/outbox/send-notification.js';
import { deliverNow, noteInThread, postInThread } from '../../../src/announce/thread.js';
import { afterCommit, runAfterCommit } from '../../../src/deploy/after-commit.js';
import type { AfterCommit } from '../../../src/deploy/intents.js';
import { getNotification, listNotifications } from '../../../src/infra/db/notifications.js';
import { inTransaction } from '../../../src/infra/db/pool.js';
import type { DeployDeps } from '../../../src/ports.js';
import { seedDeployment, useDeployFixture } from '../../support/deploy-fixture.js';
import {
  type FakeMessenger,
  type FakeQueues,
  fakeMessenger,
  fakeQueues,
} from '../../support/fake-outside.js';

const fx = useDeployFixture();

let slack: FakeMessenger;
let queue: FakeQueues;
let deps: DeployDeps;

beforeEach(() => {
  slack = fakeMessenger();
  queue = fakeQueues();
  // The outbox compares send_after (Postgres' now()) with the clock: both must be today's.
  deps = { ...fx.deps, messenger: slack.messenger, queues: queue.queues, clock: () => new Date() };
});

/** Notes `texts` in the deployment's thread in one committed transaction; nothing is delivered. */
async function noteCommitted(deploymentId: number, ...texts: string[]): Promise<AfterCommit> {
  const later = afterCommit();
  await inTransaction(fx.db, async (client) => {
    for (const text of texts) await noteInThread(client, later, deploymentId, note(text));
  });
  return later;
}

const noteIds = (later: AfterCommit) =>
  later.followUps.flatMap((f) => (f.kind === 'thread_note' ? [f.notificationId] : []));

/** Notify jobs handed to the queue, by notification id. */
const queuedIds = () =>
  queue.added.filter((job) => job.queue === 'notify').map((job) => job.data.notificationId);

/** The root message's ts, once posted. */
const rootTs = () => slack.posts.find((post) => post.threadTs === undefined)?.ts;

/** What the thread under the root shows, in order. */
const threadTexts = () =>
  slack.posts.filter((post) => post.threadTs !== undefined && post.threadTs === rootTs()).map((p) => p.text);

async function withRoot(deploymentId: number, ts = '1699999999.000100') {
  await fx.db.query('UPDATE deployments SET root_ts = $2 WHERE id = $1', [deploymentId, ts]);
  return ts;
}

/** A notify worker: runs queued jobs in the order they were added, requeueing those told to wait. */
async function drainQueue() {
  const jobs = [...queuedIds()] as number[];
  for (let turn = 0; jobs.length > 0; turn++) {
    if (turn > 50) throw new Error(`the queue never drained: ${jobs.join(', ')} still waiting`);
    const id = jobs.shift() as number;
    const result = await sendNotification(deps, id);
    if (result.outcome === 'wait') jobs.push(id);
  }
}

describe('noteInThread and its delivery', () => {
  it('a thread line committed just before a crash is posted in the thread by the recovery, once', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    const later = await noteCommitted(deployment.id, 'Database backup finished');
    // The process dies here: runAfterCommit never runs.

    const [row] = await listNotifications(fx.db, { deploymentId: deployment.id });
    expect(row).toMatchObject({
      id: noteIds(later)[0],
      status: 'pending',
      channel: 'slack',
      target: { channel: 'C_DEPLOY', deploymentThread: deployment.id },
      message: { text: 'Database backup finished' },
    });
    expect(slack.postAttempts).toBe(0);

    const recovered = await recoverNotifications(deps);
    expect(recovered.redispatched).toBe(1);
    expect(queue.added).toEqual([
      expect.objectContaining({
        queue: 'notify',
        data: { notificationId: row?.id },
        jobId: `notification-${row?.id}`,
      }),
    ]);

    // The worker picks the job up; a duplicate job (or a second recovery) finds the row sent.
    expect(await sendNotification(deps, row?.id as number)).toEqual({ outcome: 'sent', count: 1 });
    expect(await sendNotification(deps, row?.id as number)).toEqual({ outcome: 'stale' });
    expect((await recoverNotifications(deps)).redispatched).toBe(0);

    expect(rootTs()).toBeDefined();
    expect(threadTexts()).toEqual(['Database backup finished']);
    expect(slack.posts).toHaveLength(2);
    expect(await getNotification(fx.db, row?.id as number)).toMatchObject({
      status: 'sent',
      externalId: slack.posts[1]?.ts,
    });
  });

  it('a thread line noted in a transaction that rolled back is never stored nor posted', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    const later = afterCommit();

    await expect(
      inTransaction(fx.db, async (client) => {
        await noteInThread(client, later, deployment.id, note('Promoted to 50%'));
        throw new Error('the promotion failed its checks');
      }),
    ).rejects.toThrow('the promotion failed its checks');

    expect(await listNotifications(fx.db, { deploymentId: deployment.id })).toEqual([]);
    // Even a caller that wrongly ran the discarded follow-ups finds nothing to send.
    await runAfterCommit(deps, later);
    expect((await recoverNotifications(deps)).redispatched).toBe(0);
    expect(slack.postAttempts).toBe(0);
    expect(queuedIds()).toEqual([]);
  });

  it('when Slack fails the line, nothing throws, the line stays pending and the queue gets it', async () => {
    const deployment = await seedDeployment(fx, { state: 'soaking', stageIndex: 0 });
    const root = await withRoot(deployment.id);
    const later = await noteCommitted(deployment.id, '10% of traffic is on v4.0.0');
    const [id] = noteIds(later);
    slack.failPosts();

    await expect(deliverNow(deps, { id: id as number, sendAfter: new Date() })).resolves.toBeUndefined();

    expect(slack.postAttempts).toBe(1);
    expect(await getNotification(fx.db, id as number)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: expect.stringContaining('internal_error'),
    });
    expect(queue.added).toEqual([
      expect.objectContaining({ queue: 'notify', data: { notificationId: id }, jobId: `notification-${id}` }),
    ]);

    // Slack is back: the queued job posts it in the existing thread.
    slack.recover();
    await drainQueue();
    expect(slack.posts).toEqual([
      expect.objectContaining({ text: '10% of traffic is on v4.0.0', threadTs: root }),
    ]);
  });

  it('a step line posted while Slack is down is kept and queued, and the step goes on', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    slack.failPosts();

    // No root yet: the root post fails first, and that must not escape either.
    await expect(postInThread(deps, deployment.id, note('Step 3/12 started'))).resolves.toBeUndefined();

    const rows = await listNotifications(fx.db, { deploymentId: deployment.id });
    expect(rows).toEqual([expect.objectContaining({ status: 'pending', attempts: 1 })]);
    expect(queuedIds()).toEqual([rows[0]?.id]);
    expect(slack.posts).toEqual([]);
  });

  it('the lines of a decision appear in the thread in the order they were noted', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    const lines = ['Promotion approved by the lead', 'Shifting traffic to 50%', '50% of traffic is live'];
    const later = await noteCommitted(deployment.id, ...lines);

    await runAfterCommit(deps, later);

    expect(threadTexts()).toEqual(lines);
    expect(queuedIds()).toEqual([]);
  });

  it('a later line never overtakes an earlier one, even when it is delivered first', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    const first = await noteCommitted(deployment.id, 'Hold requested by the DBA', 'Deployment held');
    const second = await noteCommitted(deployment.id, 'Deployment resumed');
    const ids = [...noteIds(first), ...noteIds(second)] as number[];

    // Deliveries race: the newest goes first, the oldest last.
    for (const id of [...ids].reverse()) await deliverNow(deps, { id, sendAfter: new Date() });

    expect(threadTexts()).toEqual(['Hold requested by the DBA']);
    expect(queuedIds()).toEqual([ids[2], ids[1]]);
    await drainQueue();
    expect(threadTexts()).toEqual(['Hold requested by the DBA', 'Deployment held', 'Deployment resumed']);
  });
});
