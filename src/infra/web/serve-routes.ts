import { createServer, type Server } from 'node:http';
import type { CustomRoute } from '@slack/bolt';

/** A plain HTTP server for a few GET routes (a worker's probes and metrics). */
export async function serveRoutes(routes: CustomRoute[], port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((candidate) => candidate.path === path);
    if (!route || req.method !== 'GET') {
      res.writeHead(404).end();
      return;
    }
    Promise.resolve(route.handler(req as never, res)).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, resolve));
  return server;
}
