import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { adminDatabaseUrl, redisUrl } from '../support/databases.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const timeoutMs = 180_000;

/** `npm run demo -- <args>` as a newcomer runs it, against this machine's Postgres and Redis. */
function runDemo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'demo', '--', ...args], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: adminDatabaseUrl, REDIS_URL: redisUrl, LOG_LEVEL: 'error' },
      // Its own process group, so a timeout ends npm, tsx and the sample app together.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
      reject(
        new Error(
          `npm run demo ${args.join(' ')} did not finish in ${timeoutMs / 1000} s:\n${stdout}\n${stderr}`,
        ),
      );
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The demo drops its databases when it ends: none named in its header may be left. */
async function leftoverDatabases(stdout: string): Promise<string[]> {
  const names = /databases\s+(\S+) \(Stagecoach\), (\S+) \(the application\)/.exec(stdout)?.slice(1) ?? [];
  expect(names).toHaveLength(2);
  const admin = new pg.Client({ connectionString: adminDatabaseUrl });
  await admin.connect();
  try {
    const result = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname = ANY($1)',
      [names],
    );
    return result.rows.map((row) => row.datname);
  } finally {
    await admin.end();
  }
}

describe('npm run demo (try it without Slack)', () => {
  it(
    'rehearses the whole plan: go, a check-in, 10% → 50% → 100% with promotions, declared complete',
    async () => {
      const { code, stdout, stderr } = await runDemo([]);
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      expect(stdout).toContain('@lee: /deploy start v4.0.0');
      expect(stdout).toContain('[Proceed] clicked by @lee');
      expect(stdout).toContain('[All good] clicked by @lee');
      expect(stdout).toContain('@lee: /deploy issue minor');
      expect(stdout).toMatch(/is live at \*?10%/);
      expect(stdout).toContain('[Promote to 50%] clicked by @lee');
      expect(stdout).toMatch(/is live at \*?50%/);
      expect(stdout).toContain('[Promote to 100%] clicked by @lee');
      expect(stdout).toMatch(/is live at \*?100%/);
      expect(stdout.match(/Promoted by @lee/g)?.length).toBeGreaterThanOrEqual(2);
      expect(stdout).toContain('[Declare complete] clicked by @pat');
      expect(stdout).toContain('Declared complete by @pat');
      expect(stdout).toContain('@lee: /deploy report');
      expect(stdout).toMatch(
        /Outcome\n\s+Declared complete: deployment #1 v4\.0\.0 → production is completed\./,
      );
      expect(stdout).toContain('Sample EHR reports v4.0.0 at 100% of traffic, status ok');
      // Thread replies are indented under their channel, and nothing leaks into the transcript raw.
      expect(stdout).toMatch(/#deployments\s+↳ Stagecoach: /);
      expect(stdout).not.toMatch(/<@U[A-Z0-9]+>/);
      expect(await leftoverDatabases(stdout)).toEqual([]);
    },
    timeoutMs + 10_000,
  );

  it(
    'with --fault: the canary breaks, the team rolls back and restores the database',
    async () => {
      const { code, stdout, stderr } = await runDemo(['--fault']);
      expect(code, `${stdout}\n${stderr}`).toBe(0);
      expect(stdout).toMatch(/is live at \*?10%/);
      expect(stdout).toContain('Fault switched on in Sample EHR');
      // The button names the version it returns to, and asks for the reason in a form.
      const alerted =
        stdout.includes(':rotating_light:') &&
        /\[Roll back to v3\.9\.0\] clicked by @lee/.test(stdout) &&
        stdout.includes('@lee fills in the form: "error rate and latency over threshold on the canary"');
      const byHand =
        stdout.includes('No monitoring alert') && stdout.includes('@lee: /deploy rollback fault injected');
      expect(alerted || byHand, stdout).toBe(true);
      expect(stdout).toContain('Rolled back');
      expect(stdout).not.toContain('[Promote to 50%] clicked');
      expect(stdout).toContain('[Restore database] clicked by @dana');
      expect(stdout).toMatch(
        /Outcome\n\s+Rolled back: deployment #1 v4\.0\.0 → production is rolled back; v3\.9\.0 serves all traffic again\./,
      );
      expect(stdout).toContain('The database was restored from the pre-deployment backup');
      expect(stdout).toContain("The appointments table that v4.0.0's migration created is gone.");
      expect(stdout).toContain('Sample EHR reports v3.9.0 at 100% of traffic, status ok');
      expect(await leftoverDatabases(stdout)).toEqual([]);
    },
    timeoutMs + 10_000,
  );
});
