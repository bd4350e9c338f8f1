import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmod, cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { Config } from '../../config.js';
import type { Logger } from '../../log.js';
import { loadPlanFile } from '../../plan/derive-plan.js';
import type { Plan } from '../../plan/schema.js';
import { ensureDatabase } from '../db/ensure-database.js';

const checkout = fileURLToPath(new URL('../../../', import.meta.url));
const serverFile = join(checkout, 'examples', 'sample-app', 'server.mjs');
const workspaceTemplate = join(checkout, 'examples', 'workspace');
/** The sample's plan: the Medplum plan with what differs for Sample EHR written over it. */
const samplePlanFile = join(checkout, 'templates', 'plans', 'local-demo.overlay.yaml');

/** The plan `npm run demo` rehearses against the sample app. */
export function loadSamplePlan(): Plan {
  return loadPlanFile(samplePlanFile);
}

export interface SampleApp {
  /** e.g. http://127.0.0.1:41234: GET /healthcheck, GET /metrics, GET /api/v1/query, POST /fault */
  url: string;
  healthcheckUrl: string;
  /** The Prometheus HTTP API base URL: the app answers the plan's instant queries itself. */
  prometheusUrl: string;
  setFault(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts examples/sample-app as a child process sharing `stateDir` with the workspace scripts, and
 * resolves once it listens.
 */
export async function startSampleApp(input: {
  stateDir: string;
  logFile: string;
  port?: number;
}): Promise<SampleApp> {
  const child = spawn(process.execPath, [serverFile], {
    env: {
      STATE_DIR: input.stateDir,
      LOG_FILE: input.logFile,
      PORT: String(input.port ?? 0),
      STOP_WITH_PARENT: '1',
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout as NonNullable<typeof child.stdout> });
    lines.once('line', (line) => {
      const match = /listening on (\S+)/.exec(line);
      if (match?.[1]) resolveUrl(match[1]);
      else reject(new Error(`the sample app said "${line}" instead of where it listens`));
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the sample app exited with code ${code} before listening`)),
    );
  });
  return {
    url,
    healthcheckUrl: `${url}/healthcheck`,
    prometheusUrl: url,
    async setFault(on) {
      const response = await fetch(`${url}/fault`, { method: 'POST', body: JSON.stringify({ on }) });
      if (!response.ok) throw new Error(`the sample app refused the fault switch: HTTP ${response.status}`);
    },
    stop: () => stopChild(child),
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/** Copies examples/workspace into `dir`; what the commands wrote there before (.state/) is kept. */
export async function copySampleWorkspace(dir: string): Promise<void> {
  await cp(workspaceTemplate, dir, { recursive: true, force: true });
  // A checkout that lost file modes (an archive, core.fileMode=false) would make every step fail with EACCES.
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.sh')) await chmod(join(entry.parentPath, entry.name), 0o755);
  }
  await mkdir(join(dir, '.state'), { recursive: true });
  await writeFile(join(dir, 'application.log'), '', { flag: 'a' });
}

/** Creates the sample app's `patients` table with a few rows, unless it exists already. */
export async function seedSampleDatabase(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS patients (id serial PRIMARY KEY, name text NOT NULL)`);
    await client.query(
      `INSERT INTO patients (name) SELECT unnest($1::text[]) WHERE NOT EXISTS (SELECT 1 FROM patients)`,
      [['Ada Lovelace', 'Grace Hopper', 'Alan Turing']],
    );
  } finally {
    await client.end();
  }
}

/**
 * Local mode started in Stagecoach's own checkout (no WORKSPACE_DIR) has nothing to deploy there.
 * It deploys the sample app instead.
 */
export function wantsSampleApp(config: Config): boolean {
  return resolve(config.workspaceDir) === resolve(checkout);
}

/**
 * Runs the sample app for local mode: a copy of examples/workspace kept between runs (it holds the
 * deployed version), the app itself, and a database of its own next to Stagecoach's. A health check,
 * metrics source or application database the operator configured is kept; the log scanned is the
 * sample app's, since the default path belongs to the Medplum runbook.
 */
export async function useSampleApp(
  config: Config,
  log: Logger,
): Promise<{ config: Config; app: SampleApp; workspaceDir: string }> {
  const workspaceDir = join(tmpdir(), 'stagecoach-sample-workspace');
  await copySampleWorkspace(workspaceDir);
  const stateDir = join(workspaceDir, '.state');
  const logFile = join(workspaceDir, 'application.log');
  let appDatabaseUrl = config.appDatabaseUrl;
  if (!appDatabaseUrl) {
    const url = new URL(config.databaseUrl);
    url.pathname = `${url.pathname.replace(/\/$/, '')}_sample_app`;
    try {
      await ensureDatabase(url.toString());
      await seedSampleDatabase(url.toString());
      appDatabaseUrl = url.toString();
      await writeFile(join(stateDir, 'database-url'), `${appDatabaseUrl}\n`, { mode: 0o600 });
    } catch (error) {
      log.warn(
        { err: error },
        'no database for the sample app: the backup step will ask for APP_DATABASE_URL',
      );
    }
  }
  const app = await startSampleApp({ stateDir, logFile });
  const line = `No WORKSPACE_DIR: deploying the sample app (${app.url}) from ${workspaceDir}`;
  log.info({ workspaceDir, url: app.url }, line);
  process.stdout.write(`${line}\n`);
  return {
    app,
    workspaceDir,
    config: {
      ...config,
      workspaceDir,
      appDatabaseUrl,
      healthcheckUrl: config.healthcheckUrl ?? app.healthcheckUrl,
      prometheusUrl: config.prometheusUrl ?? app.prometheusUrl,
      appLogFile: logFile,
    },
  };
}
