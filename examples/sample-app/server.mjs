#!/usr/bin/env node
// Sample EHR: the application Stagecoach deploys in local mode and in `npm run demo`. Plain
// node:http, no dependencies. It serves a health check, Prometheus metrics and a
// Prometheus-compatible instant-query API, and it reads what the sample workspace's
// deploy-frontend.sh wrote (version, traffic share) from a state directory they share.
//
//   STATE_DIR=examples/workspace/.state PORT=8080 node examples/sample-app/server.mjs
//
// Environment: PORT (default 8080; 0 picks a free port), HOST (default 127.0.0.1),
// STATE_DIR (default ./.state), LOG_FILE (default <STATE_DIR>/../application.log),
// STOP_WITH_PARENT=1 (exit when stdin closes).
// The first line on stdout is `Sample EHR listening on <url>`; the URL is also written to
// <STATE_DIR>/app-url so the workspace's smoke tests can find the app.
//
// Fault switch: `POST /fault {"on": true}` or a file <STATE_DIR>/.fault. While it is on, about 8%
// of requests fail, p95 latency is about 2.5 s and /healthcheck answers 503.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { createMetrics } from './metrics.mjs';

const stateDir = resolve(process.env.STATE_DIR ?? '.state');
const logFile = resolve(process.env.LOG_FILE ?? join(stateDir, '..', 'application.log'));
const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? 8080);
const startedAt = Date.now();

mkdirSync(stateDir, { recursive: true });
mkdirSync(dirname(logFile), { recursive: true });

const readState = (name) => {
  try {
    return readFileSync(join(stateDir, name), 'utf8').trim();
  } catch {
    return undefined;
  }
};

/**
 * What deploy-frontend.sh left in the state directory, read on every request since the scripts
 * change it: the stable version, and a release serving part of the traffic while it rolls out.
 */
function currentState() {
  const stableVersion = readState('current-version') || 'v3.9.0';
  const release = readState('release-version');
  const share = Math.min(100, Math.max(0, Number(readState('percent') ?? 0) || 0));
  const rolling = Boolean(release) && share > 0 && share < 100;
  return {
    stableVersion,
    releaseVersion: rolling ? release : undefined,
    // The newest version serving traffic, and its share of it.
    version: rolling ? release : stableVersion,
    percent: rolling ? share : 100,
    fault: existsSync(join(stateDir, '.fault')),
  };
}

const log = (level, message) => appendFileSync(logFile, `${new Date().toISOString()} ${level} ${message}\n`);

const metrics = createMetrics();

// Once a second: simulated traffic for /metrics, and log lines when something changed.
let last = '';
const tick = setInterval(() => {
  const state = currentState();
  metrics.simulateSecond(state);
  const summary = state.releaseVersion
    ? `serving ${state.releaseVersion} to ${state.percent}% of traffic, ${state.stableVersion} to the rest`
    : `serving ${state.stableVersion} to all traffic`;
  if (summary !== last) log('INFO', summary);
  last = summary;
  if (state.fault) {
    log('ERROR', `GET /api/patients/123/summary failed: upstream timed out after 2500 ms (${state.version})`);
  }
}, 1_000);

const send = (res, status, body, type = 'application/json') => {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

const readBody = async (req) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const server = createServer((req, res) => {
  route(req, res).catch((error) =>
    send(res, 500, { status: 'error', error: String(error?.message ?? error) }),
  );
});

async function route(req, res) {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const state = currentState();
  if (req.method === 'GET' && (url.pathname === '/healthcheck' || url.pathname === '/healthz')) {
    const body = {
      status: state.fault ? 'degraded' : 'ok',
      version: state.version,
      trafficPercent: state.percent,
      stableVersion: state.stableVersion,
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      ...(state.fault ? { error: 'patient summary service is timing out' } : {}),
    };
    return send(res, state.fault ? 503 : 200, body);
  }
  if (req.method === 'GET' && url.pathname === '/metrics') {
    return send(res, 200, metrics.exposition(state), 'text/plain; version=0.0.4');
  }
  if (url.pathname === '/api/v1/query' && (req.method === 'GET' || req.method === 'POST')) {
    // Prometheus takes the query in the URL or, for POST, as a form body.
    const form = req.method === 'POST' ? new URLSearchParams(await readBody(req)) : url.searchParams;
    const query = form.get('query') ?? url.searchParams.get('query');
    if (!query) {
      return send(res, 400, {
        status: 'error',
        errorType: 'bad_data',
        error: 'parameter "query" is missing',
      });
    }
    return send(res, 200, metrics.instantQuery(query, state));
  }
  if (url.pathname === '/fault') {
    if (req.method === 'POST') {
      let on;
      try {
        on = JSON.parse((await readBody(req)) || '{}').on;
      } catch {
        on = undefined;
      }
      if (typeof on !== 'boolean') return send(res, 400, { error: 'send {"on": true} or {"on": false}' });
      if (on) writeFileSync(join(stateDir, '.fault'), `${new Date().toISOString()}\n`);
      else rmSync(join(stateDir, '.fault'), { force: true });
      log(on ? 'WARN' : 'INFO', on ? 'fault switch turned on' : 'fault switch turned off');
      return send(res, 200, { fault: on });
    }
    if (req.method === 'GET') return send(res, 200, { fault: state.fault });
  }
  if (req.method === 'GET' && url.pathname === '/') {
    return send(
      res,
      200,
      `Sample EHR ${state.version}: GET /healthcheck, GET /metrics, GET /api/v1/query?query=..., POST /fault\n`,
      'text/plain',
    );
  }
  return send(res, 404, { status: 'error', error: 'not found' });
}

server.listen(port, host, () => {
  const address = server.address();
  const base = `http://${host}:${address.port}`;
  writeFileSync(join(stateDir, 'app-url'), `${base}\n`);
  log('INFO', `Sample EHR started on ${base}`);
  process.stdout.write(`Sample EHR listening on ${base}\n`);
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  clearInterval(tick);
  // A stale URL would send the smoke tests to whatever takes the port next.
  rmSync(join(stateDir, 'app-url'), { force: true });
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// Started by Stagecoach (local mode, npm run demo): stdin is a pipe from the parent, and its end means
// the parent is gone, even if it was killed too hard to stop its children.
if (process.env.STOP_WITH_PARENT === '1') {
  process.stdin.on('end', stop);
  process.stdin.resume();
}
