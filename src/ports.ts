import type pg from 'pg';
import type { StepRunOwner } from './infra/db/step-runs.js';
import type { Notifiers } from './infra/notify/notifier.js';
import type { Queues } from './infra/queue/queues.js';
import type { Messenger } from './infra/slack/messenger.js';
import type { Metrics } from './infra/web/metrics.js';
import type { Logger } from './log.js';
import type { Plan } from './plan/schema.js';

/** What the deployment logic needs from the outside world; tests pass real or fake collaborators. */
export interface DeployDeps {
  db: pg.Pool;
  plan: Plan;
  queues: Queues;
  messenger: Messenger;
  clock: () => Date;
  log: Logger;
  settings: DeploySettings;
  /** Outbound channels of the outbox (src/infra/notify); without it, notifications reach Slack only. */
  notifiers?: Notifiers;
  /** Prometheus counters; absent in tests that do not look at them. */
  metrics?: Metrics | undefined;
  /** Aborted when a graceful shutdown runs out of time: running commands are stopped, not recorded. */
  shutdown?: AbortSignal | undefined;
  /** This runtime as the owner of the steps it runs (host, pid, instance); one per process by default. */
  owner?: Omit<StepRunOwner, 'processGroup'> | undefined;
}

export interface DeploySettings {
  workspaceDir: string;
  backupDir: string;
  appDatabaseUrl?: string | undefined;
  healthcheckUrl?: string | undefined;
  prometheusUrl?: string | undefined;
  appLogFile: string;
  timeScale: number;
  adminUserIds: string[];
  channels: { deployment: string; management: string; support: string };
  /** Values that must never appear in Slack or in stored output. */
  secrets: string[];
  /** The environment plan commands run with (the bot's, without its credentials). */
  stepEnv: Record<string, string>;
}
