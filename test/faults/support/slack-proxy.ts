import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HeldCall {
  method: string;
  body: string;
}

/**
 * Sits between the product and the fake Slack and forwards every Web API call, except one it is
 * told to hold: that call never reaches Slack, so a test can kill the product while the message is
 * in flight and see whether it is ever sent.
 */
export async function startSlackProxy(targetApiUrl: string) {
  let matcher: ((call: HeldCall) => boolean) | undefined;
  let onHeld: ((call: HeldCall) => void) | undefined;
  const heldResponses: ServerResponse[] = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
      const call = { method, body };
      if (matcher?.(call)) {
        matcher = undefined;
        heldResponses.push(res);
        onHeld?.(call);
        return;
      }
      const headers: Record<string, string> = {};
      for (const name of ['content-type', 'authorization']) {
        const value = req.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
      fetch(new URL(method, targetApiUrl), { method: 'POST', headers, body }).then(
        async (upstream) => {
          const text = await upstream.text();
          res.writeHead(upstream.status, Object.fromEntries(upstream.headers.entries()));
          res.end(text);
        },
        () => {
          res.writeHead(502);
          res.end();
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    /** Holds the next call that matches; resolves with it once it arrived. */
    holdNext(match: (call: HeldCall) => boolean): Promise<HeldCall> {
      return new Promise((resolve) => {
        matcher = match;
        onHeld = resolve;
      });
    },
    /** Drops held calls (the connection is closed without an answer). */
    dropHeld() {
      for (const res of heldResponses.splice(0)) res.destroy();
    },
    async close() {
      this.dropHeld();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The `text` form field of a Web API call body. */
export const textOf = (call: HeldCall) => new URLSearchParams(call.body).get('text') ?? '';
