import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Metrics } from '../web/metrics.js';

/** Counts each request and times its ack, by command subcommand or action id. */
export function measureAck(metrics: Metrics | undefined): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    if (!metrics) return args.next();
    const body = args.body as unknown as Record<string, unknown>;
    const action = (body.actions as { action_id?: string }[] | undefined)?.[0]?.action_id;
    const kind = typeof body.command === 'string' ? 'command' : action ? 'action' : 'other';
    const name =
      kind === 'command'
        ? String(body.text ?? '')
            .trim()
            .split(/\s+/)[0]
            ?.toLowerCase()
            .slice(0, 20) || 'help'
        : (action ?? 'other');
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
