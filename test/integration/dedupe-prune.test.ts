import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRUNE_EVERY } from '../../src/infra/db/slack-requests.js';
import { isFirstDelivery } from '../../src/infra/slack/dedupe.js';
import { testDatabaseUrl } from '../support/databases.js';

const logger = { warn: () => undefined, debug: () => undefined };
const deliver = (db: pg.Pool, triggerId: string) => isFirstDelivery(db, { trigger_id: triggerId }, logger);

/** The table of processed Slack request keys holds about a day of traffic, not every request ever. */
describe('processed Slack request keys are pruned after a day', () => {
  let db: pg.Pool;
  beforeAll(async () => {
    db = new pg.Pool({ connectionString: testDatabaseUrl, max: 2 });
    await db.query('TRUNCATE processed_slack_requests');
  });
  afterAll(async () => {
    await db.query('TRUNCATE processed_slack_requests');
    await db.end();
  });

  const keys = async () =>
    (await db.query<{ request_key: string }>('SELECT request_key FROM processed_slack_requests')).rows.map(
      (row) => row.request_key,
    );
  const received = (key: string, hoursAgo: number) =>
    db.query(
      `INSERT INTO processed_slack_requests (request_key, received_at) VALUES ($1, now() - make_interval(hours => $2))`,
      [key, hoursAgo],
    );

  it('drops keys older than a day and keeps younger ones, which still stop a repeat', async () => {
    await received('trigger:two-days-old', 48);
    await received('trigger:25-hours-old', 25);
    await received('trigger:23-hours-old', 23);

    // The first request a process records prunes, so a restart also cleans up.
    expect(await deliver(db, 'fresh-1')).toBe(true);
    expect((await keys()).sort()).toEqual(['trigger:23-hours-old', 'trigger:fresh-1']);
    expect(await deliver(db, '23-hours-old')).toBe(false);
  });

  it(`prunes again after ${PRUNE_EVERY} new requests, not on every one`, async () => {
    await received('trigger:old-again', 30);
    for (let i = 1; i < PRUNE_EVERY; i++) expect(await deliver(db, `batch-${i}`)).toBe(true);
    expect(await keys()).toContain('trigger:old-again');
    // Repeats are not new requests: they do not count.
    expect(await deliver(db, 'batch-1')).toBe(false);
    expect(await keys()).toContain('trigger:old-again');

    expect(await deliver(db, 'one-more')).toBe(true);
    expect(await keys()).not.toContain('trigger:old-again');
    expect((await keys()).length).toBe(PRUNE_EVERY + 2);
  });
});
