import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { redisUrl, testDatabaseUrl } from '../support/databases.js';
import { freePort } from '../support/spawn-stagecoach.js';
import { waitUntil } from '../support/wait.js';

const run = promisify(execFile);

// Issue #17: production runs compiled JavaScript with plain node, not tsx.
describe('the production build', () => {
  let outDir: string | undefined;
  afterAll(async () => {
    if (outDir) await rm(outDir, { recursive: true, force: true });
  });

  it('compiles to JavaScript that plain node starts: migrations, the local console page and templates included', async () => {
    // Inside the checkout, so that the compiled code finds node_modules as dist/ does.
    outDir = await mkdtemp(join(process.cwd(), '.build-test-'));
    // The same steps as `npm run build`, into a directory of its own (dist/ may be in use).
    await run('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', outDir]);
    await run('npx', ['tsx', 'scripts/copy-build-assets.ts', outDir]);
    const port = await freePort();
    const child = spawn(process.execPath, [join(outDir, 'src/main.js'), '--local'], {
      env: {
        ...process.env,
        PORT: String(port),
        DATABASE_URL: testDatabaseUrl,
        REDIS_URL: redisUrl,
        SLACK_BOT_TOKEN: '',
        SLACK_SIGNING_SECRET: '',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    try {
      await waitUntil(
        () =>
          fetch(`http://127.0.0.1:${port}/healthz`).then(
            (r) => r.ok,
            () => false,
          ),
        { timeoutMs: 30_000, label: 'the compiled product to listen' },
      );
      // The console page and its scripts are served from the copied assets.
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('modal-dialog');
      const script = await fetch(`http://127.0.0.1:${port}/assets/console.js`);
      expect(script.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
    }
  }, 120_000);
});
