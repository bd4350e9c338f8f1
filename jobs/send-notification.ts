import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { postWaitMs, sendNotification } from '../src/announce/outbox/send-notification.js';
import type { NotificationJobData } from '../src/infra/queue/queues.js';
import type { DeployDeps } from '../src/ports.js';

const notificationJobSchema = z.object({ notificationId: z.number().int().positive() });

/** Processor of the `notify` queue: the outbox row in Postgres decides whether anything is sent. */
export function sendNotificationProcessor(deps: DeployDeps) {
  return async (job: Job<NotificationJobData>, token?: string, signal?: AbortSignal) => {
    const parsed = notificationJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad notification job data: ${parsed.error.message}`);
    const result = await sendNotification(deps, parsed.data.notificationId, signal, {
      maxWaitMs: postWaitMs.queued,
    });
    if (result.outcome === 'wait') {
      // Waiting (not due, not its turn, rate limited) is not failing: no attempt is used up.
      await job.moveToDelayed(result.until.getTime(), token);
      throw new DelayedError();
    }
    return result.outcome;
  };
}
