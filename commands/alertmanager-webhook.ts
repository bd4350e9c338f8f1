import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { alertmanagerPayload, receiveAlerts } from '../src/deploy/actions/alertmanager.js';
import type { DeployDeps } from '../src/ports.js';

/** Alertmanager sends at most a few hundred alerts per group; a larger body is refused. */
const maxBodyBytes = 1024 * 1024;

/**
 * `POST /alertmanager`: Alertmanager's webhook (payload version 4) with a bearer token. 202 for
 * any well-formed payload (matching alerts or not), 401 for a wrong token, 400 for a bad body;
 * never a 500 for bad input.
 */
export function alertmanagerRoute(deps: DeployDeps, token: string | undefined): CustomRoute {
  return {
    path: '/alertmanager',
    method: ['POST'],
    handler: (req, res) => {
      // Off without a token: said plainly, so whoever wires Alertmanager knows what to set.
      if (!token)
        return reply(res as ServerResponse, 404, {
          error: 'the Alertmanager endpoint is off: set ALERTMANAGER_WEBHOOK_TOKEN',
        });
      handle(deps, token, req as IncomingMessage, res as ServerResponse).catch((error: unknown) => {
        deps.log.error({ err: error }, 'could not take an Alertmanager webhook');
        if (!res.headersSent) reply(res, 503, { error: 'try again: Stagecoach could not record the alerts' });
      });
    },
  };
}

async function handle(deps: DeployDeps, token: string, req: IncomingMessage, res: ServerResponse) {
  if (!authorized(req.headers.authorization, token))
    return reply(res, 401, { error: 'bad or missing bearer token' });
  let raw = '';
  for await (const chunk of req) {
    raw += chunk;
    if (raw.length > maxBodyBytes) return reply(res, 413, { error: 'payload too large' });
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return reply(res, 400, { error: 'the body is not JSON' });
  }
  const parsed = alertmanagerPayload.safeParse(json);
  if (!parsed.success)
    return reply(res, 400, { error: `not an Alertmanager v4 payload: ${parsed.error.issues[0]?.message}` });
  const outcome = await receiveAlerts(deps, parsed.data);
  if (outcome.unmatched > 0)
    deps.log.info({ unmatched: outcome.unmatched }, 'Alertmanager alerts matched no active deployment');
  reply(res, 202, outcome);
}

function authorized(header: string | undefined, token: string): boolean {
  const given = Buffer.from(/^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '');
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function reply(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
