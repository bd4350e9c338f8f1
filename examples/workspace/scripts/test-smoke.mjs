// `npm run test:smoke -- --env=<environment>` (runbook 3.3): a few requests against the running
// sample app. It fails, as a smoke test should, when the app is unhealthy.
import { appUrl, beginStep, option } from './step.mjs';

const args = await beginStep('test-smoke', { error: 'GET /healthcheck returned 503 Service Unavailable' });
const env = option(args, 'env') ?? 'staging';
const checks = [
  [
    'GET /healthcheck answers ok',
    '/healthcheck',
    (status, body) => status === 200 && JSON.parse(body).status === 'ok',
  ],
  [
    'GET /metrics exposes request counters',
    '/metrics',
    (status, body) => status === 200 && body.includes('http_requests_total'),
  ],
  [
    'GET /api/v1/query answers an instant query',
    `/api/v1/query?query=${encodeURIComponent('sum(rate(http_requests_total[5m]))')}`,
    (status, body) => status === 200 && JSON.parse(body).status === 'success',
  ],
];
const base = appUrl();
if (!base) {
  console.log(`smoke: no sample app to check (.state/no-app), ${checks.length} checks skipped (${env})`);
  process.exit(0);
}
let failed = 0;
for (const [name, path, passes] of checks) {
  let ok = false;
  let detail = '';
  try {
    const response = await fetch(new URL(path, base), { signal: AbortSignal.timeout(5_000) });
    const body = await response.text();
    ok = passes(response.status, body);
    detail = ok ? '' : ` (HTTP ${response.status}: ${body.slice(0, 120)})`;
  } catch (error) {
    detail = ` (${error.message})`;
  }
  if (!ok) failed += 1;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}${detail}`);
}
console.log(`smoke: ${checks.length - failed} passed, ${failed} failed (${env}, ${base})`);
process.exit(failed === 0 ? 0 : 1);
