import { parentPort } from 'node:worker_threads';
import { type FakeSlack, startFakeSlack } from '../../test/support/fake-slack.js';
import { createSlackClient } from '../../test/support/slack-requests.js';
import { runLoad } from './stats.js';

/**
 * The load generator and the Slack stand-in on a thread of their own: signing, sending and timing
 * 20 concurrent requests must not queue on the event loop of the server being measured, and
 * neither should answering its Web API calls (Slack is remote in production).
 */
type Request =
  | { id: number; type: 'start-slack' }
  | {
      id: number;
      type: 'load';
      baseUrl: string;
      signingSecret: string;
      total: number;
      senders: number;
      texts: string[];
      user: string;
    }
  | { id: number; type: 'responses'; from: number }
  | { id: number; type: 'close' };

let slack: FakeSlack | undefined;

parentPort?.on('message', (request: Request) => {
  handle(request).then(
    (result) => parentPort?.postMessage({ id: request.id, result }),
    (error: unknown) =>
      parentPort?.postMessage({
        id: request.id,
        error: error instanceof Error ? error.message : String(error),
      }),
  );
});

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'start-slack':
      slack ??= await startFakeSlack();
      return { url: slack.url };
    case 'load': {
      const fake = slack;
      if (!fake) throw new Error('start-slack first');
      const client = createSlackClient({
        baseUrl: request.baseUrl,
        signingSecret: request.signingSecret,
        responseUrl: (id) => fake.responseUrl(id),
      });
      return runLoad({
        total: request.total,
        senders: request.senders,
        send: (i) =>
          client.command(request.texts[i % request.texts.length] as string, { user: request.user }),
      });
    }
    case 'responses':
      return (slack?.responses ?? [])
        .slice(request.from)
        .map((r) => String((r.body as { text?: string }).text ?? ''));
    case 'close':
      await slack?.close();
      setImmediate(() => process.exit(0));
      return undefined;
  }
}
