import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeWorkspace, type Workspace } from '../support/workspace.js';

const run = promisify(execFile);
const tsx = resolve('node_modules/.bin/tsx');
const basePlan = resolve('templates/plans/medplum-v4.yaml');
const overlayPlan = resolve('templates/plans/local-demo.overlay.yaml');

/** `npm run validate -- <args>`: its exit code and what it printed. */
async function validate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['scripts/validate.ts', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('npm run validate', () => {
  let ws: Workspace;
  let dir: string;
  beforeEach(async () => {
    ws = await makeWorkspace();
    dir = await mkdtemp(join(tmpdir(), 'stagecoach-validate-'));
  });
  afterEach(async () => {
    await ws.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('passes the sample plan in the sample workspace and says what will run in which order', async () => {
    const result = await validate(basePlan, '--workspace', ws.dir);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/valid/);
    const phase = (name: string) => out.indexOf(`\n  ${name}\n`);
    expect(phase('pre_deployment')).toBeGreaterThan(0);
    expect(phase('pre_deployment')).toBeLessThan(phase('execution'));
    expect(phase('execution')).toBeLessThan(phase('verification'));
    expect(out).toMatch(/1\. verification_tests: Run final verification tests/);
    expect(out).toMatch(/canary: 10% \(soak 24h\)/);
    expect(out).toMatch(/expanded: 50% \(soak 48h\)/);
    expect(out).toMatch(/100% \(no soak\)/);
    expect(out).toMatch(/Rollback:\n {2}revert: \.\/deploy-frontend\.sh/);
    expect(out).toMatch(/database restore: schema_changed/);
  });

  it('refuses a script missing from the checkout: file, line, step id and fix on one line each', async () => {
    await rm(join(ws.dir, 'deploy-frontend.sh'));
    const result = await validate(basePlan, '--workspace', ws.dir);
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    const step = lines.find((line) => line.includes('(step frontend)'));
    expect(step).toMatch(
      new RegExp(
        `^${basePlan.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: steps\\[5\\]\\.run\\.command\\[0\\] \\(step frontend\\): program '\\./deploy-frontend\\.sh' does not exist .* — fix: .* \\(line 108\\)$`,
      ),
    );
    expect(lines.some((line) => /rollback\.revert\.command\[0\]: .* — fix: .*\(line 206\)$/.test(line))).toBe(
      true,
    );
  });

  it('refuses a plan that does not validate, naming the step by its id and the line', async () => {
    const text = (await readFile(basePlan, 'utf8')).replace(
      /(- id: build\n(?:.*\n)*?\s+timeout: )20m/,
      '$120',
    );
    const file = join(dir, 'plan.yaml');
    await writeFile(file, text);
    const result = await validate(file, '--workspace', ws.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /plan\.yaml: steps\[2\]\.timeout \(step build\): .* — fix: add a unit, e.g\. '20m' for minutes \(line \d+\)/,
    );
  });

  it('lists a secret the plan names that the environment Stagecoach runs in does not set', async () => {
    const text = `${await readFile(basePlan, 'utf8')}\nsecrets: [ACME_DEPLOY_KEY_UNSET]\n`;
    const file = join(dir, 'plan.yaml');
    await writeFile(file, text);
    const result = await validate(file, '--workspace', ws.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /ACME_DEPLOY_KEY_UNSET \(named by the plan\) is not set .* — fix: set it|ACME_DEPLOY_KEY_UNSET \(named by the plan\) is not set/,
    );
  });

  it('checks an overlay plan, pointing at the overlay for what it writes and at the base for the rest', async () => {
    await rm(join(ws.dir, 'deploy-frontend.sh'));
    const result = await validate(overlayPlan, '--workspace', ws.dir);
    expect(result.code).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines.find((line) => line.includes('(step frontend)'))).toMatch(
      /^templates\/plans\/local-demo\.overlay\.yaml: .*\(line 38\)$|local-demo\.overlay\.yaml: .*\(line 38\)$/,
    );
    expect(lines.find((line) => line.includes('rollback.revert'))).toMatch(
      /medplum-v4\.yaml: .*\(line 206\)$/,
    );
  });

  it('passes the overlay plan in the sample workspace', async () => {
    const result = await validate(overlayPlan, '--workspace', ws.dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Sample EHR/);
  });
});
