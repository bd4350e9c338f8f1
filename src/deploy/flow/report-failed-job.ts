import { enqueueNotification } from '../../announce/outbox/enqueue-notification.js';
import { deliverNow } from '../../announce/thread.js';
import { getDeployment } from '../../infra/db/deployments.js';
import { getNotification } from '../../infra/db/notifications.js';
import { getStepRun } from '../../infra/db/step-runs.js';
import { getTimer, type Timer } from '../../infra/db/timers.js';
import { queueNames } from '../../infra/queue/queues.js';
import { createRedactor } from '../../infra/run/redact.js';
import { section } from '../../infra/slack/block-kit.js';
import type { DeployDeps } from '../../ports.js';
import { markWindowItemFailed } from '../../schedule/track.js';

/** What a BullMQ `failed` event says about a job that will not be tried again. */
export interface FailedJob {
  queue: string;
  jobId: string | undefined;
  data: unknown;
  attemptsMade: number;
  error: Error;
}

/** Every message about a failed job has this prefix: a failure to send one is not reported again. */
const dedupePrefix = 'job-failed:';

interface Subject {
  /** Stable for the same work, so a job failing again (a timer re-armed) is reported once. */
  key: string;
  what: string;
  deploymentId: number | null;
  /** Said after the error: what happens next. */
  next: string;
  timer?: Timer | undefined;
}

/**
 * A job failed for good (its attempts used up, or unrecoverable): said in the deployment's
 * thread, or in the deploy channel when it belongs to no deployment, through the outbox, once
 * per piece of work. A maintenance window's timer also marks its schedule row failed.
 */
export async function reportFailedJob(deps: DeployDeps, job: FailedJob): Promise<void> {
  const subject = await describe(deps, job);
  if (!subject) return;
  const timer = subject.timer;
  if (timer?.kind === 'window_item' && timer.windowId !== null && typeof timer.payload.tracks === 'string') {
    await markWindowItemFailed(deps.db, timer.windowId, timer.payload.tracks);
  }
  const redact = createRedactor(deps.settings.secrets);
  const reason = redact(job.error.message || job.error.name)
    .slice(0, 500)
    .replace(/\.$/, '');
  const attempts = job.attemptsMade > 1 ? ` after ${job.attemptsMade} attempts` : '';
  const text = `:x: ${subject.what} failed${attempts}: ${reason}. ${subject.next}`;
  const deployment =
    subject.deploymentId === null ? undefined : await getDeployment(deps.db, subject.deploymentId);
  const target = deployment
    ? { channel: deployment.channelId, deploymentThread: deployment.id }
    : { channel: deps.settings.channels.deployment };
  const row = await enqueueNotification(deps.db, {
    deploymentId: deployment?.id,
    // Ids start again in a restored or reset database: the deployment's start time keeps keys apart.
    dedupeKey: `${dedupePrefix}${subject.key}${deployment ? `@${deployment.createdAt.getTime()}` : ''}`,
    channel: 'slack',
    target,
    message: { text, blocks: [section(text)] },
  });
  if (row) await deliverNow(deps, row);
}

async function describe(deps: DeployDeps, job: FailedJob): Promise<Subject | undefined> {
  const data = (job.data ?? {}) as Record<string, unknown>;
  const id = (name: string) => (typeof data[name] === 'number' ? (data[name] as number) : undefined);
  switch (job.queue) {
    case queueNames.timers: {
      const timerId = id('timerId');
      const timer = timerId === undefined ? undefined : await getTimer(deps.db, timerId);
      if (!timer)
        return { key: `timers:${job.jobId}`, what: 'A timer job', deploymentId: null, next: 'See the logs.' };
      return {
        key: `timer-${timer.id}-${timer.key}`,
        what: timerLabel(timer),
        deploymentId: timer.deploymentId,
        next: 'Stagecoach tries it again when it next reconciles; fix the cause, or see the logs.',
        timer,
      };
    }
    case queueNames.steps: {
      const runId = id('stepRunId');
      const run = runId === undefined ? undefined : await getStepRun(deps.db, runId);
      return {
        key: `step-${runId ?? job.jobId}`,
        what: run ? `The job running step *${run.stepName}*` : 'A step job',
        deploymentId: run?.deploymentId ?? id('deploymentId') ?? null,
        next: 'If the step shows as running, the reconciler marks it interrupted and asks here what to do.',
      };
    }
    case queueNames.monitor: {
      const deploymentId = id('deploymentId') ?? null;
      return {
        // A poll fails again each interval: said once per deployment, the rest is in the logs.
        key: `monitor-${deploymentId ?? job.jobId}`,
        what: 'A poll of the monitors',
        deploymentId,
        next: 'Polls go on every interval; further failures are only logged.',
      };
    }
    case queueNames.notify: {
      const notificationId = id('notificationId');
      const row = notificationId === undefined ? undefined : await getNotification(deps.db, notificationId);
      // Reporting a failed report would go round in circles (Slack is likely what failed).
      if (row?.dedupeKey.startsWith(dedupePrefix)) return undefined;
      return {
        key: `notification-${notificationId ?? job.jobId}`,
        what: row ? `Sending a ${row.channel.replace('_', ' ')} message` : 'Sending a message',
        deploymentId: row?.deploymentId ?? null,
        next: 'The reconciler sends it again if it is still pending; see the logs.',
      };
    }
    default:
      return undefined;
  }
}

function timerLabel(timer: Timer): string {
  if (timer.kind === 'window_item') {
    const tracks = String(timer.payload.tracks ?? '');
    if (tracks === 'notice') return 'The maintenance notice';
    return `The maintenance window's ${tracks.replaceAll('_', ' ')} timer`;
  }
  const n = typeof timer.payload.n === 'number' ? ` ${timer.payload.n}` : '';
  const labels: Record<string, string> = {
    soak_end: 'The end of the soak',
    go_no_go: 'The go/no-go deadline',
    check_in: `Check-in${n}`,
    review: `Review${n}`,
    success_check: 'The success criteria check',
    auto_rollback: 'The auto-rollback',
    report: 'The post-deployment report',
  };
  return labels[timer.kind] ?? `The ${timer.kind.replaceAll('_', ' ')} timer`;
}
