import { createServer } from 'node:net';

/** A loopback port nobody listens on right now (another process may still take it; callers retry on EADDRINUSE). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
