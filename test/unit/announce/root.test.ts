import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureRoot } from '../../../src/announce/root.js';
import { getDeployment } from '../../../src/infra/db/deployments.js';
import type { DeployDeps } from '../../../src/ports.js';
import { seedDeployment, useDeployFixture } from '../../support/deploy-fixture.js';
import { type FakeMessenger, fakeMessenger, fakeQueues } from '../../support/fake-outside.js';

const fx = useDeployFixture();

let slack: FakeMessenger;
let deps: DeployDeps;

beforeEach(() => {
  slack = fakeMessenger();
  deps = { ...fx.deps, messenger: slack.messenger, queues: fakeQueues().queues, clock: () => new Date() };
});

/** Settles with the outcome of `work`, or 'timed out' after `ms`. */
async function within<T>(ms: number, work: Promise<T>): Promise<T | 'timed out'> {
  return Promise.race([work, sleep(ms).then(() => 'timed out' as const)]);
}

const rootPosts = () => slack.posts.filter((post) => post.threadTs === undefined);

describe('ensureRoot', () => {
  it('a decision holding the deployment row delays the root message only until it commits', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    const holder = await fx.db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT id FROM deployments WHERE id = $1 FOR UPDATE', [deployment.id]);
      const posting = within(4_000, ensureRoot(deps, deployment.id));
      await sleep(500);
      await holder.query('COMMIT');

      const ts = await posting;

      expect(ts).not.toBe('timed out');
      expect(rootPosts()).toEqual([expect.objectContaining({ channel: 'C_DEPLOY', ts })]);
      expect((await getDeployment(fx.db, deployment.id))?.rootTs).toBe(ts);
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      holder.release();
    }
  });

  it('holds no lock on the deployment while Slack is answering the root post', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    const { release, entered } = slack.hold();
    const posting = ensureRoot(deps, deployment.id);
    await entered;

    // A decision arriving mid-post gets the row at once (NOWAIT fails instead of waiting).
    const other = await fx.db.connect();
    try {
      await other.query('BEGIN');
      const locked = await other.query('SELECT id FROM deployments WHERE id = $1 FOR UPDATE NOWAIT', [
        deployment.id,
      ]);
      expect(locked.rowCount).toBe(1);
      await other.query('COMMIT');
    } finally {
      other.release();
      release();
    }

    const ts = await posting;
    expect((await getDeployment(fx.db, deployment.id))?.rootTs).toBe(ts);
    expect(rootPosts()).toHaveLength(1);
  });

  it('two callers at once put one root message in the channel and both thread under it', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    const { release, entered } = slack.hold();
    const first = ensureRoot(deps, deployment.id);
    const second = ensureRoot(deps, deployment.id);
    await entered;
    // Long enough for the second caller to find the lease taken and poll a few times.
    await sleep(400);
    release();

    const [a, b] = await Promise.all([first, second]);

    expect(a).toBe(b);
    expect(slack.postAttempts).toBe(1);
    expect(rootPosts()).toEqual([expect.objectContaining({ channel: 'C_DEPLOY', ts: a })]);
    expect((await getDeployment(fx.db, deployment.id))?.rootTs).toBe(a);
  });

  it('a caller behind a live lease returns the root the first poster recorded, posting nothing itself', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    await fx.db.query('UPDATE deployments SET root_claimed_at = now() WHERE id = $1', [deployment.id]);
    setTimeout(() => {
      void fx.db.query(`UPDATE deployments SET root_ts = '1699999999.000777' WHERE id = $1`, [deployment.id]);
    }, 300);

    const ts = await within(3_000, ensureRoot(deps, deployment.id));

    expect(ts).toBe('1699999999.000777');
    expect(slack.postAttempts).toBe(0);
  });

  it('the root message still appears when the process that claimed it died 20 s ago without posting', async () => {
    const deployment = await seedDeployment(fx, { state: 'running' });
    await fx.db.query(
      `UPDATE deployments SET root_claimed_at = now() - interval '20 seconds', root_ts = NULL WHERE id = $1`,
      [deployment.id],
    );

    const started = Date.now();
    const ts = await within(3_000, ensureRoot(deps, deployment.id));

    expect(ts).not.toBe('timed out');
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(rootPosts()).toEqual([expect.objectContaining({ channel: 'C_DEPLOY', ts })]);
    const after = await fx.db.query<{ root_ts: string; claimed_recently: boolean }>(
      `SELECT root_ts, root_claimed_at > now() - interval '5 seconds' AS claimed_recently
         FROM deployments WHERE id = $1`,
      [deployment.id],
    );
    expect(after.rows[0]).toEqual({ root_ts: ts, claimed_recently: true });
  });
});
