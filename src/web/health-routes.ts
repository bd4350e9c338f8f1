import type { CustomRoute } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type pg from 'pg';

/** /healthz: the process is up. /readyz: Postgres and Redis answer. */
export function healthRoutes(input: { db: pg.Pool; redis: () => Redis }): CustomRoute[] {
  return [
    {
      path: '/healthz',
      method: ['GET'],
      handler: (_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok' }));
      },
    },
    {
      path: '/readyz',
      method: ['GET'],
      handler: async (_req, res) => {
        const checks = {
          postgres: await input.db.query('SELECT 1').then(() => 'ok', (error: Error) => error.message),
          redis: await input.redis().ping().then(() => 'ok', (error: Error) => error.message),
        };
        const ready = Object.values(checks).every((value) => value === 'ok');
        res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
      },
    },
  ];
}
