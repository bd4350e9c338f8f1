import type { Notification, NotificationChannel } from './notification.js';

export interface SendContext {
  signal?: AbortSignal | undefined;
  /** For a status page update: the incident an earlier notification opened. */
  incidentId?: string | undefined;
  /** For a GitHub deployment status: the deployment id its `create` got. */
  githubDeploymentId?: string | undefined;
  /** Slack: how long a paced post may wait for its channel's turn before the outbox queues it instead. */
  maxWaitMs?: number | undefined;
}

/** One outbound channel. A thrown error means "not sent": the outbox retries it. */
export interface Notifier {
  send(notification: Notification, context: SendContext): Promise<{ externalId?: string | undefined }>;
  /**
   * Whether sending the same notification twice is harmless (the receiver dedupes, or a repeat
   * is only noise). Decides what happens to a row whose sender died mid-send.
   */
  duplicateSafe: boolean;
}

/** The configured channels; a channel without configuration has no entry. */
export type Notifiers = Partial<Record<NotificationChannel, Notifier>>;
