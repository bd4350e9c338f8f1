import type { Prompt } from '../infra/db/prompts.js';
import type { Timer } from '../infra/db/timers.js';
import type { Notification } from '../infra/notify/notification.js';
import type { Message } from '../infra/slack/block-kit.js';

/**
 * What a transaction decided to do once it commits, as plain data: tests assert on it, and
 * `runAfterCommit` (after-commit.ts) is the one place that carries it out.
 */
export type FollowUp =
  /** A line in the deployment's thread, already stored in the outbox (`notificationId`). */
  | { kind: 'thread_note'; deploymentId: number; message: Message; notificationId: number }
  /** A prompt recorded in the transaction, with its rendered message, to post under its lease. */
  | { kind: 'publish_prompt'; prompt: Prompt; message: Message }
  /** Decided or closed prompts, edited in place to say who decided and when. */
  | { kind: 'show_decided'; prompts: Prompt[] }
  /** The root message re-rendered from Postgres. */
  | { kind: 'refresh_root'; deploymentId: number }
  /** A top-level post in a channel (pages mention people, so they must not hide in a thread). */
  | { kind: 'channel_post'; channel: string; message: Message; notificationId: number }
  /** An edit of a posted prompt (an alert group that changed), already stored in the outbox. */
  | { kind: 'prompt_refresh'; notificationId: number }
  | { kind: 'start_monitoring'; deploymentId: number }
  | { kind: 'stop_monitoring'; deploymentId: number };

export interface AfterCommit {
  enqueue: { id: number; deploymentId: number }[];
  arm: (Timer | undefined)[];
  disarm: Timer[];
  /** Outbox rows recorded in the transaction, to be sent. */
  notify: (Notification | undefined)[];
  /** Messages and monitor schedules, in the order they were decided. */
  followUps: FollowUp[];
}

export function afterCommit(): AfterCommit {
  return { enqueue: [], arm: [], disarm: [], notify: [], followUps: [] };
}
