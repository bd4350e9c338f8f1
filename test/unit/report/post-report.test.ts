import { beforeEach, describe, expect, it } from 'vitest';
import type { Deployment } from '../../../src/infra/db/deployments.js';
import { claimReportPost } from '../../../src/infra/db/post-claims.js';
import type { DeployDeps } from '../../../src/ports.js';
import {
  publishScheduledReport,
  publishUnpostedReports,
  reportPostLeaseMs,
} from '../../../src/report/post-report.js';
import { addTimer, seedDeployment, useDeployFixture } from '../../support/deploy-fixture.js';
import { type FakeMessenger, fakeMessenger, fakeQueues } from '../../support/fake-outside.js';

const fx = useDeployFixture();

let slack: FakeMessenger;
let deps: DeployDeps;

beforeEach(() => {
  slack = fakeMessenger();
  deps = { ...fx.deps, messenger: slack.messenger, queues: fakeQueues().queues, clock: () => new Date() };
});

const rootTs = '1699999999.000100';

type TimerState = 'fired a minute ago' | 'fired just now' | 'pending' | 'cancelled';

/** A completed deployment with its root message posted and its T+1w report timer in `timer`. */
async function completedDeployment(timer: TimerState = 'fired a minute ago'): Promise<Deployment> {
  const deployment = await seedDeployment(fx, { state: 'completed', stageIndex: 2 });
  await fx.db.query(`UPDATE deployments SET root_ts = $2, ended_at = now() WHERE id = $1`, [
    deployment.id,
    rootTs,
  ]);
  const status = timer.startsWith('fired') ? 'fired' : (timer as 'pending' | 'cancelled');
  const row = await addTimer(fx, deployment.id, { kind: 'report', key: `report-${deployment.id}` }, status);
  if (timer === 'fired a minute ago')
    await fx.db.query(`UPDATE timers SET fired_at = now() - interval '1 minute' WHERE id = $1`, [row.id]);
  if (timer === 'pending')
    await fx.db.query(`UPDATE timers SET fire_at = now() - interval '1 minute' WHERE id = $1`, [row.id]);
  return deployment;
}

async function postState(deploymentId: number) {
  const result = await fx.db.query<{ posted: boolean; claimed: boolean }>(
    `SELECT report_posted_at IS NOT NULL AS posted, report_claimed_at IS NOT NULL AS claimed
       FROM deployments WHERE id = $1`,
    [deploymentId],
  );
  return result.rows[0];
}

/** The poster that claimed the report died (or gave up) longer ago than the lease. */
async function expireReportLease(deploymentId: number) {
  await fx.db.query(
    `UPDATE deployments SET report_claimed_at = now() - make_interval(secs => $2::float8 / 1000 + 1) WHERE id = $1`,
    [deploymentId, reportPostLeaseMs],
  );
}

const reviewSummaries = () =>
  slack.posts.filter((post) => post.text.startsWith(':clipboard: Post-deployment review'));
const reviewOf = (deploymentId: number) =>
  reviewSummaries().filter((post) => post.text.includes(`review of #${deploymentId} `));

describe('the scheduled T+1w report', () => {
  it('posts the review in the thread with its document, and records it as posted', async () => {
    const deployment = await completedDeployment();

    expect(await publishScheduledReport(deps, deployment.id)).toBe(true);

    expect(reviewOf(deployment.id)).toEqual([
      expect.objectContaining({ channel: 'C_DEPLOY', threadTs: rootTs }),
    ]);
    expect(slack.uploads).toContainEqual({
      channel: 'C_DEPLOY',
      filename: `stagecoach-review-${deployment.id}-production-v4.0.0.md`,
      threadTs: rootTs,
    });
    expect(await postState(deployment.id)).toEqual({ posted: true, claimed: true });
  });

  it('a review Slack refused is not recorded as posted, and the next pass after the lease posts it', async () => {
    const deployment = await completedDeployment();
    slack.failPosts();

    await expect(publishScheduledReport(deps, deployment.id)).rejects.toThrow('internal_error');
    expect(await postState(deployment.id)).toEqual({ posted: false, claimed: true });

    // Slack is back, but the failed poster's lease still runs: the reconciler leaves it alone.
    slack.recover();
    expect(await publishUnpostedReports(deps)).toBe(0);
    expect(reviewSummaries()).toEqual([]);

    await expireReportLease(deployment.id);
    expect(await publishUnpostedReports(deps)).toBe(1);

    expect(reviewOf(deployment.id)).toEqual([expect.objectContaining({ threadTs: rootTs })]);
    expect(slack.uploads.map((u) => u.filename)).toContain(
      `stagecoach-review-${deployment.id}-production-v4.0.0.md`,
    );
    expect(await postState(deployment.id)).toEqual({ posted: true, claimed: true });
  });

  it('a review whose poster died after claiming it is posted by the reconciler once the lease ran out', async () => {
    const deployment = await completedDeployment();
    expect(await claimReportPost(fx.db, deployment.id, reportPostLeaseMs)).toBe(true);
    // The claimant died before reaching Slack.

    expect(await publishUnpostedReports(deps)).toBe(0);
    await expireReportLease(deployment.id);
    expect(await publishUnpostedReports(deps)).toBe(1);

    expect(reviewOf(deployment.id)).toHaveLength(1);
    expect((await postState(deployment.id))?.posted).toBe(true);
  });

  it('a review already in the thread is not posted a second time', async () => {
    const deployment = await completedDeployment();
    expect(await publishScheduledReport(deps, deployment.id)).toBe(true);
    const uploads = slack.uploads.length;

    // The reconciler's pass, a retried timer job, and a pass after any lease would have run out.
    expect(await publishUnpostedReports(deps)).toBe(0);
    expect(await publishScheduledReport(deps, deployment.id)).toBe(false);
    await expireReportLease(deployment.id);
    expect(await publishUnpostedReports(deps)).toBe(0);
    expect(await publishScheduledReport(deps, deployment.id)).toBe(false);

    expect(reviewOf(deployment.id)).toHaveLength(1);
    expect(slack.uploads).toHaveLength(uploads);
  });

  it('a review that could not attach its document is still posted once, with a note saying so', async () => {
    const deployment = await completedDeployment();
    slack.failUploads();

    expect(await publishScheduledReport(deps, deployment.id)).toBe(true);
    await expireReportLease(deployment.id);
    expect(await publishUnpostedReports(deps)).toBe(0);

    expect(reviewOf(deployment.id)).toHaveLength(1);
    expect(slack.posts.filter((post) => post.text.includes('Could not attach'))).not.toHaveLength(0);
    expect((await postState(deployment.id))?.posted).toBe(true);
  });

  it('the reconciler posts only reviews whose T+1w timer fired more than a few seconds ago', async () => {
    const due = await completedDeployment('fired a minute ago');
    const justFired = await completedDeployment('fired just now');
    const notYet = await completedDeployment('pending');
    const cancelled = await completedDeployment('cancelled');
    const noTimer = await seedDeployment(fx, { state: 'completed', stageIndex: 2 });

    expect(await publishUnpostedReports(deps)).toBe(1);

    expect(reviewSummaries()).toEqual([expect.objectContaining({ threadTs: rootTs })]);
    expect(reviewOf(due.id)).toHaveLength(1);
    for (const other of [justFired, notYet, cancelled, noTimer])
      expect(await postState(other.id)).toEqual({ posted: false, claimed: false });
    expect((await postState(due.id))?.posted).toBe(true);
  });
});
