import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { signingSecret } from './stack.js';

/** The floor to compare with: a Bolt app whose `/deploy` only acks, served the same way. */
export async function startBareBolt(slackApiUrl: string) {
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: '/slack/events',
    processBeforeResponse: false,
  });
  const app = new App({
    token: 'xoxb-bench-token',
    receiver,
    clientOptions: { slackApiUrl },
    logLevel: LogLevel.ERROR,
    deferInitialization: true,
  });
  app.command('/deploy', async ({ ack }) => {
    await ack();
  });
  await app.init();
  const server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}
