#!/usr/bin/env node
// Smoke test: GET HEALTH_URL must answer {"ok":true}, and the running version (.state/) must be
// IMAGE_TAG. Node without dependencies; records its call like the shell scripts (lib.sh).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
appendFileSync(join(root, '.invocations.log'), `${['smoke-test', ...process.argv.slice(2)].join(' ')}\n`);
if (existsSync(join(root, '.fail', 'smoke-test'))) {
  console.error('smoke-test: failed (the switch .fail/smoke-test is on)');
  process.exit(1);
}
const missing = ['HEALTH_URL', 'IMAGE_TAG', 'CLUSTER'].filter((name) => !process.env[name]);
if (missing.length > 0) {
  console.error(
    `missing environment: ${missing.join(' ')} (the plan passes them with env or perEnvironment)`,
  );
  process.exit(2);
}
const { HEALTH_URL, IMAGE_TAG, CLUSTER } = process.env;
appendFileSync(
  join(root, '.invocations.log'),
  `  env HEALTH_URL=${HEALTH_URL} IMAGE_TAG=${IMAGE_TAG} CLUSTER=${CLUSTER}\n`,
);

let running = 'v1.9.0';
try {
  running = readFileSync(join(root, '.state', 'current-version'), 'utf8').trim();
} catch {}
if (running !== IMAGE_TAG) {
  console.error(`smoke-test: ${CLUSTER} runs ${running}, expected ${IMAGE_TAG}`);
  process.exit(1);
}
let response;
let body;
try {
  response = await fetch(HEALTH_URL, { signal: AbortSignal.timeout(10_000) });
  body = await response.text();
} catch (error) {
  console.error(`smoke-test: ${HEALTH_URL} did not answer: ${error.cause?.message ?? error.message}`);
  process.exit(1);
}
if (!response.ok || !body.includes('"ok":true')) {
  console.error(`smoke-test: ${HEALTH_URL} answered ${response.status} ${body.slice(0, 200)}`);
  process.exit(1);
}
console.log(`smoke-test: ${CLUSTER} runs ${running} and is healthy`);
