import type pg from 'pg';
import type { StepRunOwner } from './infra/db/step-runs.js';
import type { Notifiers } from './infra/notify/notifier.js';
import type { Queues } from './infra/queue/queues.js';
import type { Wakeups } from './infra/queue/wakeups.js';
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
  /** Promotes timer jobs at their due time (infra/queue/wakeups.ts); without it they fire within Redis's `hz` tick. */
  wakeups?: Wakeups | undefined;
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
  /** Divides every plan delay (soaks, windows, check-in intervals): 1 in production. */
  timeScale: number;
  /**
   * Divides the delays that wait for a person instead (the go/no-go deadline, a check-in's answer
   * window, the auto-rollback grace): REHEARSAL_DECISION_SCALE, else timeScale.
   */
  decisionScale?: number | undefined;
  adminUserIds: string[];
  channels: { deployment: string; management: string; support: string };
  /** Values that must never appear in Slack or in stored output (the plan's `secrets:` values included). */
  secrets: string[];
  /**
   * The minimal environment every plan command starts from (PATH, HOME, locale, ...: see
   * infra/run/step-environment.ts); the plan's `env`/`secrets` and STAGECOACH_* are added per command.
   */
  stepEnv: Record<string, string>;
  /**
   * The values of the variables the plan names in `secrets:`, read from Stagecoach's environment at
   * start; nothing else of that environment reaches a command. Absent: no secret is set.
   */
  secretEnv?: Record<string, string> | undefined;
}
