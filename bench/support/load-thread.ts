import { Worker } from 'node:worker_threads';

/** The parent's handle on bench/support/load-worker.ts: one request at a time per call, answered by id. */
export async function startLoadThread() {
  const worker = new Worker(new URL('./load-worker.mjs', import.meta.url));
  let nextId = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  worker.on('message', (message: { id: number; result?: unknown; error?: string }) => {
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error !== undefined) waiter.reject(new Error(message.error));
    else waiter.resolve(message.result);
  });
  worker.on('error', (error) => {
    for (const waiter of pending.values()) waiter.reject(error);
    pending.clear();
  });
  const call = <T>(request: Record<string, unknown>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ ...request, id });
    });
  const { url } = await call<{ url: string }>({ type: 'start-slack' });
  return {
    /** The fake Slack Web API on the load thread; pass as the apps' slackApiUrl. */
    slackUrl: url,
    load(input: {
      baseUrl: string;
      signingSecret: string;
      total: number;
      senders: number;
      texts: string[];
      user: string;
    }) {
      return call<{ latencies: number[]; statuses: Record<string, number>; errors: number }>({
        type: 'load',
        ...input,
      });
    },
    /** Texts of the answers posted to response_url, from index `from` on. */
    responses(from = 0) {
      return call<string[]>({ type: 'responses', from });
    },
    async close() {
      await call({ type: 'close' }).catch(() => undefined);
      await worker.terminate().catch(() => undefined);
    },
  };
}
