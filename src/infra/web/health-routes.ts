import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import type { Metrics } from './metrics.js';

/** /healthz: the process is up. /readyz: Postgres and Redis answer. */
export function healthRoutes(input: { db: pg.Pool; redis: () => Redis; metrics?: Metrics }): CustomRoute[] {
  const { metrics } = input;
  return [
    ...(metrics
      ? [
          {
            path: '/metrics',
            method: ['GET'],
            handler: async (_req: IncomingMessage, res: ServerResponse) => {
              res.writeHead(200, { 'content-type': metrics.registry.contentType });
              res.end(await metrics.registry.metrics());
            },
          },
        ]
      : []),
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
          postgres: await input.db.query('SELECT 1').then(
            () => 'ok',
            (error: Error) => error.message,
          ),
          redis: await input
            .redis()
            .ping()
            .then(
              () => 'ok',
              (error: Error) => error.message,
            ),
        };
        const ready = Object.values(checks).every((value) => value === 'ok');
        res.writeHead(ready ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ready ? 'ready' : 'not ready', checks }));
      },
    },
  ];
}
