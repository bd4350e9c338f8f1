import { randomUUID } from 'node:crypto';
import { webApi } from '@slack/bolt';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMessenger, type Messenger } from '../../src/infra/slack/messenger.js';
import { paceMessenger } from '../../src/infra/slack/pace-messenger.js';
import { createSlackPacer, SlackBusyError } from '../../src/infra/slack/pace-slack-calls.js';
import { redisUrl } from '../support/databases.js';
import { type FakeSlack, startFakeSlack } from '../support/fake-slack.js';

const { WebClient, LogLevel } = webApi;

/** The messenger as a process builds it, paced through the shared Redis; no retries, so a 429 would show. */
function processMessenger(fake: FakeSlack, redis: Redis | undefined, prefix: string): Messenger {
  const client = new WebClient('xoxb-test', {
    slackApiUrl: fake.url,
    retryConfig: { retries: 0 },
    logLevel: LogLevel.ERROR,
  });
  const messenger = createMessenger(client);
  return redis ? paceMessenger(messenger, createSlackPacer({ redis, prefix })) : messenger;
}

const line = (text: string) => ({ text, blocks: [] });

describe('Slack calls paced under the rate limits of a fake Slack that enforces them', () => {
  let fake: FakeSlack;
  const redises: Redis[] = [];
  let prefix: string;
  const redis = () => {
    const connection = new Redis(redisUrl);
    redises.push(connection);
    return connection;
  };

  beforeAll(async () => {
    fake = await startFakeSlack({ rateLimits: true });
  });
  beforeEach(() => {
    prefix = `test-${randomUUID()}`;
  });
  afterEach(async () => {
    await Promise.all(redises.splice(0).map((r) => r.quit()));
  });
  afterAll(() => fake.close());

  it('without pacing, a burst of thread lines to one channel is refused 429', async () => {
    const messenger = processMessenger(fake, undefined, prefix);
    const root = await messenger.post('C_BURST', line('root'));
    const results = await Promise.allSettled(
      [1, 2, 3, 4, 5].map((i) => messenger.post('C_BURST', line(`line ${i}`), root)),
    );

    expect(results.filter((r) => r.status === 'rejected').length).toBeGreaterThan(0);
    expect(fake.ratelimited.some((c) => c.args.channel === 'C_BURST')).toBe(true);
  });

  it('a paced burst of thread lines to one channel gets no 429, loses nothing and keeps its order', async () => {
    const messenger = processMessenger(fake, redis(), prefix);
    const root = await messenger.post('C_PACED', line('root'));
    const started = Date.now();
    await Promise.all([1, 2, 3, 4, 5].map((i) => messenger.post('C_PACED', line(`line ${i}`), root)));

    expect(fake.ratelimited.filter((c) => c.args.channel === 'C_PACED')).toEqual([]);
    expect(fake.thread('C_PACED', root).map((m) => m.text)).toEqual([1, 2, 3, 4, 5].map((i) => `line ${i}`));
    // About a second apart: the root and five lines take about five seconds.
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
  });

  it('two processes posting to one channel share its pace through Redis', async () => {
    const web = processMessenger(fake, redis(), prefix);
    const worker = processMessenger(fake, redis(), prefix);
    await Promise.all(
      [0, 1, 2, 3, 4, 5].map((i) => (i % 2 === 0 ? web : worker).post('C_SHARED', line(`post ${i}`))),
    );

    expect(fake.ratelimited.filter((c) => c.args.channel === 'C_SHARED')).toEqual([]);
    expect(fake.messages('C_SHARED')).toHaveLength(6);
    const times = fake.calls.filter((c) => c.args.channel === 'C_SHARED').map((c) => c.at);
    for (let i = 1; i < times.length; i++)
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(900);
  });

  it('a post that may not wait long is refused while its channel is busy, and takes no turn', async () => {
    const messenger = processMessenger(fake, redis(), prefix);
    await messenger.post('C_BUSY', line('first'));
    const queued = messenger.post('C_BUSY', line('second'));
    const refused = await messenger
      .post('C_BUSY', line('in a hurry'), undefined, undefined, { maxWaitMs: 500 })
      .catch((error: unknown) => error);
    await queued;

    expect(refused).toBeInstanceOf(SlackBusyError);
    expect((refused as SlackBusyError).retryAfterSeconds).toBeGreaterThan(1);
    expect(fake.messages('C_BUSY').map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('a burst of edits of one message becomes few chat.update calls, the last content shown', async () => {
    const messenger = processMessenger(fake, redis(), prefix);
    const ts = await messenger.post('C_EDIT', line('step 0'));
    const before = fake.callsOf('chat.update').length;
    await Promise.all(
      Array.from({ length: 12 }, (_, i) => messenger.update('C_EDIT', ts, line(`step ${i + 1}`))),
    );

    // All twelve were asked before the first had its turn: one call, with the newest content.
    expect(fake.callsOf('chat.update').length - before).toBe(1);
    expect(fake.messages('C_EDIT').find((m) => m.ts === ts)?.text).toBe('step 12');

    // Edits that keep coming while earlier ones wait for Tier 3 turns (about 1.2 s apart) merge too.
    const startedAt = fake.callsOf('chat.update').length;
    for (let i = 13; i <= 30; i++) {
      void messenger.update('C_EDIT', ts, line(`step ${i}`));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await messenger.update('C_EDIT', ts, line('done'));
    expect(fake.callsOf('chat.update').length - startedAt).toBeLessThanOrEqual(4);
    expect(fake.ratelimited.filter((c) => c.method === 'chat.update')).toEqual([]);
    expect(fake.messages('C_EDIT').find((m) => m.ts === ts)?.text).toBe('done');
  });
});
