import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The application's health endpoint, as the health-check step sees it; tests can make it fail. */
export async function startHealthServer() {
  let status = 200;
  let body = JSON.stringify({ status: 'ok', version: 'v4.0.0' });
  const server = createServer((_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/healthcheck`,
    fail(nextStatus = 503, nextBody = 'upstream unavailable') {
      status = nextStatus;
      body = nextBody;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
