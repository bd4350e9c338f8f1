import { type Job, UnrecoverableError } from 'bullmq';
import { z } from 'zod';
import { updateRootNow } from '../src/announce/root.js';
import { refreshHomes } from '../src/deploy/actions/home.js';
import type { ViewJobData } from '../src/infra/queue/queues.js';
import type { DeployDeps } from '../src/ports.js';

const viewJobSchema = z.union([
  z.object({ deploymentId: z.number().int().positive() }),
  z.object({ homes: z.literal(true) }),
]);

/** The App Homes are re-rendered at most this often, and never more than a tenth of the time. */
export const homesCoalesceMs = 1_000;

/**
 * Processor of the `views` queue: re-renders a deployment's root message from Postgres, then asks
 * for one refresh of everyone's App Home. That refresh reads every active deployment for every
 * person, so it is one job for all deployments (later asks while it waits are dropped: it renders
 * what Postgres holds when it runs), spaced by nine times its own last duration: at 1,000
 * deployments a refresh per root edit would be a million queries a minute.
 */
export function refreshViewProcessor(deps: DeployDeps) {
  let lastHomesMs = 0;
  return async (job: Job<ViewJobData>) => {
    const parsed = viewJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`bad view job data: ${parsed.error.message}`);
    if ('homes' in parsed.data) {
      const started = performance.now();
      await refreshHomes(deps);
      lastHomesMs = performance.now() - started;
      return;
    }
    await updateRootNow(deps, parsed.data.deploymentId);
    // The same change may concern someone's "Needs you" list.
    await deps.queues.views.add(
      'refresh-homes',
      { homes: true },
      {
        delay: Math.max(homesCoalesceMs, Math.round(9 * lastHomesMs)),
        deduplication: { id: 'homes', keepLastIfActive: true },
      },
    );
  };
}
