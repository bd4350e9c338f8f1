import type pg from 'pg';
import type { FakeSlack } from '../../test/support/fake-slack.js';
import { round, type Summary, summarize } from './stats.js';

export interface MethodCalls {
  /** Answered by the fake. */
  ok: number;
  /** Answered 429 by its rate limits. */
  ratelimited: number;
}

export interface Delivery {
  /** What the product meant to say in Slack: outbox lines and edits, prompts, root messages. */
  expected: { outboxPosts: number; outboxEdits: number; prompts: number; roots: number };
  /** Sent, and found in the fake Slack with the content last asked for. */
  delivered: number;
  /** Given up (outbox rows failed), or recorded as sent but missing from Slack, or showing older content. */
  lost: string[];
  /** Still waiting in Postgres (outbox rows pending or sending, prompts not posted yet): late, not lost. */
  queued: number;
  /** Pairs of lines of one thread where a later line reached Slack before an earlier one that was already due. */
  threadOrderViolations: number;
  /** The first few of them, for a person to look at. */
  orderExamples: string[];
  /** Messages in Slack that nothing in Postgres points at: duplicates. */
  extraPosts: number;
  /** Outbox row created → sent in the busy channel, ms: how late thread lines arrive there. */
  outboxDelayMs: Summary;
  /** The same for the other channels, which share the outbox's workers with the busy one. */
  outboxDelayOtherChannelsMs: Summary;
}

/** Calls by method as the fake saw them, 429s included. */
export function callsByMethod(slack: FakeSlack): Record<string, MethodCalls> {
  const out: Record<string, MethodCalls> = {};
  const of = (method: string) => {
    out[method] ??= { ok: 0, ratelimited: 0 };
    return out[method];
  };
  for (const call of slack.calls) of(call.method).ok += 1;
  for (const call of slack.ratelimited) of(call.method).ratelimited += 1;
  return out;
}

/** Posts per second in one channel as Slack accepted them: mean over the busy span, busiest one-second window. */
export function postRate(
  slack: FakeSlack,
  channel: string,
): { meanPerSecond: number; peakPerSecond: number } {
  const times = slack
    .callsOf('chat.postMessage')
    .filter((c) => c.args.channel === channel)
    .map((c) => c.at)
    .sort((a, b) => a - b);
  let peak = 0;
  let left = 0;
  for (let right = 0; right < times.length; right++) {
    while ((times[right] as number) - (times[left] as number) >= 1_000) left++;
    peak = Math.max(peak, right - left + 1);
  }
  const span = Math.max(1, ((times.at(-1) ?? 0) - (times[0] ?? 0)) / 1000);
  return { meanPerSecond: round(times.length / span, 2), peakPerSecond: peak };
}

interface OutboxRow {
  id: string;
  target_key: string;
  status: string;
  external_id: string | null;
  replaces: string | null;
  text: string;
  delay_ms: number | null;
  send_after_ms: string;
  claimed_at_ms: string | null;
}

/**
 * Compares what Postgres says was meant for Slack with what the fake Slack holds. An edit counts
 * as delivered when its message ends with the content of the last edit asked for (edits waiting
 * together are merged into one call, so the ones in between never show on their own).
 */
export async function checkDelivery(db: pg.Pool, slack: FakeSlack, busyChannel: string): Promise<Delivery> {
  const messages = new Map(slack.messages().map((m) => [`${m.channel} ${m.ts}`, m]));
  const lost: string[] = [];
  let delivered = 0;
  let queued = 0;

  const outbox = await db.query<OutboxRow>(
    `SELECT id::text, target_key, status, external_id, target->>'replaces' AS replaces, message->>'text' AS text,
            (extract(epoch FROM sent_at - created_at) * 1000)::float AS delay_ms,
            (extract(epoch FROM send_after) * 1000)::bigint::text AS send_after_ms,
            (extract(epoch FROM claimed_at) * 1000)::bigint::text AS claimed_at_ms
       FROM notifications WHERE channel = 'slack' ORDER BY notifications.id`,
  );
  const channelOf = (row: OutboxRow) => row.target_key.split(':')[1] ?? '';
  const lastEdit = new Map<string, OutboxRow>();
  for (const row of outbox.rows) {
    if (row.status === 'pending' || row.status === 'sending') queued++;
    else if (row.status === 'failed') lost.push(`outbox ${row.id}: failed`);
    else if (row.status === 'sent') {
      const message = row.external_id ? messages.get(`${channelOf(row)} ${row.external_id}`) : undefined;
      if (!message) lost.push(`outbox ${row.id}: sent as ${row.external_id} but not in Slack`);
      else if (row.replaces) lastEdit.set(`${channelOf(row)} ${row.external_id}`, row);
      else delivered++;
    }
  }
  for (const [key, row] of lastEdit) {
    if (messages.get(key)?.text === row.text) delivered++;
    else lost.push(`outbox ${row.id}: ${key} does not show its last edit`);
  }

  // A thread's line must not overtake an earlier line of its thread that was due when it was claimed
  // (a line scheduled for later, a reminder, may be passed by design). Ts are handed out in arrival order.
  let threadOrderViolations = 0;
  const orderExamples: string[] = [];
  const lines = new Map<string, OutboxRow[]>();
  for (const row of outbox.rows) {
    if (row.status !== 'sent' || row.replaces || !row.external_id) continue;
    lines.set(row.target_key, [...(lines.get(row.target_key) ?? []), row]);
  }
  for (const thread of lines.values()) {
    thread.forEach((later, j) => {
      for (const earlier of thread.slice(0, j)) {
        const overtaken = Number(earlier.external_id) > Number(later.external_id);
        if (!overtaken || Number(earlier.send_after_ms) > Number(later.claimed_at_ms)) continue;
        threadOrderViolations++;
        if (orderExamples.length < 10)
          orderExamples.push(
            `${earlier.target_key}: #${earlier.id} "${earlier.text.slice(0, 40)}" (due ${earlier.send_after_ms}, ts ${earlier.external_id}) after #${later.id} "${later.text.slice(0, 40)}" (claimed ${later.claimed_at_ms}, ts ${later.external_id})`,
          );
      }
    });
  }

  const prompts = await db.query<{ id: string; channel_id: string; message_ts: string | null }>(
    'SELECT id::text, channel_id, message_ts FROM prompts',
  );
  for (const prompt of prompts.rows) {
    if (!prompt.message_ts) queued++;
    else if (messages.has(`${prompt.channel_id} ${prompt.message_ts}`)) delivered++;
    else lost.push(`prompt ${prompt.id}: posted as ${prompt.message_ts} but not in Slack`);
  }
  const roots = await db.query<{ id: string; channel_id: string; root_ts: string | null }>(
    'SELECT id::text, channel_id, root_ts FROM deployments',
  );
  for (const root of roots.rows) {
    if (!root.root_ts) queued++;
    else if (messages.has(`${root.channel_id} ${root.root_ts}`)) delivered++;
    else lost.push(`root of deployment ${root.id}: posted as ${root.root_ts} but not in Slack`);
  }
  // Posts nobody asked for: a root or prompt posted twice (a waiting post taken for lost).
  const known = new Set<string>();
  for (const row of outbox.rows) if (row.external_id) known.add(`${channelOf(row)} ${row.external_id}`);
  for (const prompt of prompts.rows)
    if (prompt.message_ts) known.add(`${prompt.channel_id} ${prompt.message_ts}`);
  for (const root of roots.rows) if (root.root_ts) known.add(`${root.channel_id} ${root.root_ts}`);
  const extraPosts = [...messages.keys()].filter(
    (key) => !known.has(key) && !messages.get(key)?.ephemeral,
  ).length;
  const delays = (rows: OutboxRow[]) =>
    summarize(rows.filter((r) => r.delay_ms !== null).map((r) => r.delay_ms as number));
  return {
    expected: {
      outboxPosts: outbox.rows.filter((r) => !r.replaces).length,
      outboxEdits: outbox.rows.filter((r) => r.replaces).length,
      prompts: prompts.rows.length,
      roots: roots.rows.length,
    },
    delivered,
    lost,
    queued,
    threadOrderViolations,
    orderExamples,
    extraPosts,
    outboxDelayMs: delays(outbox.rows.filter((r) => channelOf(r) === busyChannel)),
    outboxDelayOtherChannelsMs: delays(outbox.rows.filter((r) => channelOf(r) !== busyChannel)),
  };
}
