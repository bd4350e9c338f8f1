// `npm run build`: writes the production bundle to dist/, which the next step checks is not empty.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { beginStep } from '../scripts/step.mjs';

await beginStep('build', { error: 'error during build: Rollup failed to resolve import "./PatientSummary"' });
const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8'));
const dist = new URL('dist/', import.meta.url);
mkdirSync(dist, { recursive: true });
const files = {
  'index.html': `<!doctype html><title>Sample EHR v${version}</title><div id="root"></div><script src="app.js"></script>\n`,
  'app.js': `document.getElementById('root').textContent = 'Sample EHR v${version}';\n`,
  'version.json': `${JSON.stringify({ version: `v${version}`, builtAt: new Date().toISOString() })}\n`,
};
for (const [name, content] of Object.entries(files)) {
  writeFileSync(new URL(name, dist), content);
  console.log(`dist/${name.padEnd(14)} ${(content.length / 1000).toFixed(2)} kB`);
}
console.log(`built v${version} in 12ms`);
