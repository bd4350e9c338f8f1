import type { Block } from '../slack/block-kit.js';

export const notificationChannels = [
  'slack',
  'email',
  'status_page',
  'in_app',
  'pagerduty',
  'github',
] as const;
export type NotificationChannel = (typeof notificationChannels)[number];

export const notificationStatuses = ['pending', 'sending', 'sent', 'failed', 'collapsed'] as const;
export type NotificationStatus = (typeof notificationStatuses)[number];

/** Where a Slack notification goes; a thread reply when `threadTs` is set. */
export interface SlackTarget {
  channel: string;
  threadTs?: string;
  /** The thread of this deployment's root message, resolved when sent (the root may not exist yet). */
  deploymentThread?: number;
  /**
   * The dedupe key of an earlier notification whose message this one replaces in place (a step's
   * line going from started to done). Resolved to `updateTs` when sent; posted anew when that
   * message never reached Slack.
   */
  replaces?: string;
  /** The ts of the message to edit instead of posting: set when sent, from `replaces`. */
  updateTs?: string;
  /** A page: link to this deployment's thread, where the answer is (a button, resolved when sent). */
  linkThreadOf?: number;
  /** The thread root the link opens: set when sent, from `linkThreadOf`. */
  linkTs?: string;
  /**
   * The prompt whose posted message this row edits (an alert group that gained or lost a member):
   * it waits until the prompt is in Slack, and is shown decided if the prompt was answered since.
   */
  refreshesPrompt?: number;
}

/** Email goes to NOTIFY_EMAILS unless the row names its own recipients. */
export interface EmailTarget {
  to?: string[];
}

export type NotificationTarget = SlackTarget | EmailTarget | Record<string, never>;

/** Statuspage's statuses: the first four for incidents, the last four for scheduled maintenance. */
export type StatusPageStatus =
  | 'investigating'
  | 'identified'
  | 'monitoring'
  | 'resolved'
  | 'scheduled'
  | 'in_progress'
  | 'verifying'
  | 'completed';

export interface StatusPageUpdate {
  name: string;
  status: StatusPageStatus;
  body: string;
  /** ISO-8601; with `status: 'scheduled'` these make it a scheduled maintenance. */
  scheduledFor?: string;
  scheduledUntil?: string;
  impact?: 'none' | 'minor' | 'major' | 'critical';
  /**
   * The dedupe key of the notification that opened the incident: when it was sent, this one
   * updates that incident instead of opening another.
   */
  incidentKey?: string;
}

/** A PagerDuty Events API v2 event: a page triggered, or resolved once it is answered in Slack. */
export interface PagerDutyEvent {
  action: 'trigger' | 'resolve';
  /** One per deployment and cause: a trigger again updates the incident, a resolve closes it. */
  dedupKey: string;
  summary: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
  source: string;
  details?: Record<string, string | number>;
}

/** A GitHub deployment created for a version, or a status of it (the create is found by its dedupe key). */
export type GitHubDeploymentEvent =
  | {
      action: 'create';
      ref: string;
      environment: string;
      description: string;
      production: boolean;
      deploymentId: number;
    }
  | {
      action: 'status';
      /** The dedupe key of the `create` notification: its external id is GitHub's deployment id. */
      createKey: string;
      state: 'in_progress' | 'success' | 'failure' | 'inactive' | 'error';
      description: string;
    };

export interface NotificationMessage {
  /** Always set: the Slack fallback, the email body, the in-app notice. */
  text: string;
  blocks?: Block[];
  subject?: string;
  statusPage?: StatusPageUpdate;
  pagerduty?: PagerDutyEvent;
  github?: GitHubDeploymentEvent;
}

export interface Notification {
  id: number;
  deploymentId: number | null;
  dedupeKey: string;
  channel: NotificationChannel;
  target: NotificationTarget;
  targetKey: string;
  message: NotificationMessage;
  collapseGroup: string | null;
  staleAfterMs: number | null;
  sendAfter: Date;
  status: NotificationStatus;
  attempts: number;
  lastError: string | null;
  claimedAt: Date | null;
  sentAt: Date | null;
  externalId: string | null;
  collapsedInto: number | null;
  createdAt: Date;
}
