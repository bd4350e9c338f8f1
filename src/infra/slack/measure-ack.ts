import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import { actionIds } from '../../deploy/model/action-ids.js';
import type { Metrics } from '../web/metrics.js';
import { subcommandOf } from './parse-command.js';

const knownActions: ReadonlySet<string> = new Set(Object.values(actionIds));

/**
 * Counts each request and times its ack, by subcommand or button. Label values come from the grammar
 * and the app's own action ids only: free text would make a new time series per distinct command,
 * which Prometheus keeps in memory for good.
 */
export function measureAck(metrics: Metrics | undefined): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (!metrics) return args.next();
    const body = args.body as unknown as Record<string, unknown>;
    const action = (body.actions as { action_id?: unknown }[] | undefined)?.[0]?.action_id;
    const kind = typeof body.command === 'string' ? 'command' : action !== undefined ? 'action' : 'other';
    const name =
      kind === 'command'
        ? subcommandOf(typeof body.text === 'string' ? body.text : '')
        : kind === 'action'
          ? typeof action === 'string' && knownActions.has(action)
            ? action
            : 'unknown'
          : 'other';
    metrics.requests.inc({ kind, name });
    if ('ack' in args && typeof args.ack === 'function') {
      const ack = args.ack as (...a: unknown[]) => Promise<void>;
      const started = performance.now();
      (args as unknown as { ack: typeof ack }).ack = async (...a: unknown[]) => {
        metrics.ackLatency.observe({ kind, name }, (performance.now() - started) / 1000);
        return ack(...a);
      };
    }
    await args.next();
  };
}
