/**
 * `npm run demo [-- --fault]`: rehearses the sample's plan (templates/plans/local-demo.overlay.yaml
 * over medplum-v4.yaml) end to end, a week of the plan in well under a minute, and prints the
 * conversation. The real runtime (local mode: the Bolt app, BullMQ workers, Postgres) runs against
 * the embedded Slack stand-in; the script plays the team, typing commands and clicking buttons
 * through the local console, which sends them to the Bolt receiver as signed Slack requests. It
 * deploys the sample app (examples/sample-app) from a temp copy of examples/workspace, with
 * databases and a queue prefix of its own, removed at the end.
 *
 * --fault: switches the sample app's fault on during the canary, waits for the monitoring alert,
 * rolls back from it and confirms the database restore. Exit 0 when the story ends as it should.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import pg from 'pg';
import { pino } from 'pino';
import { startLocalMode } from '../src/boot/start-local-mode.js';
import { loadConfig } from '../src/config.js';
import type { DeploymentState } from '../src/deploy/model/lifecycle.js';
import { type Deployment, findLatestDeployment } from '../src/infra/db/deployments.js';
import { migrate } from '../src/infra/db/migrate.js';
import { demoUsers } from '../src/infra/local/demo-users.js';
import type { LocalMessage } from '../src/infra/local/message-store.js';
import {
  copySampleWorkspace,
  loadSamplePlan,
  type SampleApp,
  seedSampleDatabase,
  startSampleApp,
} from '../src/infra/local/sample-app.js';
import { checkRedis } from '../src/infra/queue/check-redis.js';
import { stepEnvironment } from '../src/infra/run/step-environment.js';
import type { Plan } from '../src/plan/schema.js';
import { type Button, buttonsOf, createTranscript } from './demo-transcript.js';

/** A day of the plan in 3 s: the 24 h canary soak takes 3 s, the 48 h one 6 s. */
const TIME_SCALE = 28_800;
/**
 * What waits for a person runs at a gentler pace (REHEARSAL_DECISION_SCALE): at TIME_SCALE the
 * plan's 30-minute go/no-go deadline would pass in 62 ms; at 60 it, and each check-in's answer
 * window, lasts 30 s, so the team can answer.
 */
const DECISION_SCALE = 60;
const VERSION = 'v4.0.0';
const hour = 3_600_000;
/** How long the fault run waits for the monitoring alert before rolling back by hand. */
const ALERT_WAIT_MS = 20_000;
/** The whole run, setup and clean-up included, stays well under the test's 180 s. */
const WATCHDOG_MS = 150_000;
const lead = 'ULEAD';
const dba = 'UDBA';
const projectLead = 'UPROJ';

class DemoError extends Error {
  override name = 'DemoError';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Cleanup = { what: string; run: () => Promise<unknown> };

async function main() {
  // `npm run demo | head` closes the pipe early: keep going, so the clean-up still runs.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  const { values } = parseArgs({
    options: { fault: { type: 'boolean', default: false } },
    allowPositionals: false,
  });
  const fault = values.fault ?? false;
  const cleanups: Cleanup[] = [];
  let exitCode = 0;
  const watchdog = new Promise<never>((_, reject) => {
    const timer = setTimeout(
      () => reject(new DemoError(`the demo did not finish within ${WATCHDOG_MS / 1000} s`)),
      WATCHDOG_MS,
    );
    timer.unref();
  });
  const interrupted = new Promise<never>((_, reject) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const)
      process.once(signal, () => reject(new DemoError(`interrupted (${signal})`)));
  });
  const story = rehearse({ fault, cleanups });
  // After a timeout or ^C the story may still fail while the clean-up runs: that is no news.
  story.catch(() => undefined);
  try {
    await Promise.race([story, watchdog, interrupted]);
  } catch (error) {
    exitCode = 1;
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`\ndemo failed: ${message}\n`);
    if (!(error instanceof DemoError) && error instanceof Error && error.stack)
      process.stderr.write(`${error.stack}\n`);
  }
  for (const cleanup of cleanups.reverse()) {
    await cleanup.run().catch((error: unknown) => {
      process.stderr.write(
        `demo: could not ${cleanup.what}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
    });
  }
  process.exit(exitCode);
}

async function rehearse({ fault, cleanups }: { fault: boolean; cleanups: Cleanup[] }) {
  const say = (text = '') => process.stdout.write(`${text}\n`);
  const setupStarted = Date.now();
  const id = `${process.pid}`;
  // The bot's own problems, one readable line each on stderr; LOG_LEVEL=info shows more.
  const log = pino(
    { level: process.env.LOG_LEVEL ?? 'error', base: undefined },
    {
      write(line: string) {
        const entry = JSON.parse(line) as { level: number; msg?: string; err?: { message?: string } };
        const level = pino.levels.labels[entry.level] ?? 'log';
        process.stderr.write(
          `  [stagecoach ${level}] ${entry.msg ?? ''}${entry.err?.message ? `: ${entry.err.message}` : ''}\n`,
        );
      },
    },
  );

  // Postgres: two fresh databases on the server of DATABASE_URL (or the local default), dropped at the end.
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  const databaseUrl = (name: string) => Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const stagecoachDb = `stagecoach_demo_${id}`;
  const appDb = `stagecoach_demo_${id}_app`;
  const admin = new pg.Client({ connectionString: databaseUrl('postgres'), connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    const safe = new URL(databaseUrl('postgres'));
    if (safe.password) safe.password = '***';
    throw new DemoError(
      `Postgres is not reachable at ${safe} (${error instanceof Error ? error.message : String(error)}): start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL`,
    );
  }
  try {
    for (const name of [stagecoachDb, appDb]) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
      cleanups.push({
        what: `drop database ${name}`,
        run: () => dropDatabase(databaseUrl('postgres'), name),
      });
    }
  } finally {
    await admin.end();
  }
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  await checkRedis(redisUrl).catch((error: Error) => {
    throw new DemoError(error.message);
  });
  const queuePrefix = `stagecoach-demo-${id}-${randomUUID().slice(0, 8)}`;
  cleanups.push({
    what: `delete the queue keys ${queuePrefix}:*`,
    run: () => deleteKeys(redisUrl, queuePrefix),
  });

  // The application: a temp copy of its checkout, its database, and the app itself.
  const workspaceDir = await mkdtemp(join(tmpdir(), 'stagecoach-demo-'));
  cleanups.push({
    what: `remove ${workspaceDir}`,
    run: () => rm(workspaceDir, { recursive: true, force: true }),
  });
  await copySampleWorkspace(workspaceDir);
  await seedSampleDatabase(databaseUrl(appDb));
  await writeFile(join(workspaceDir, '.state', 'database-url'), `${databaseUrl(appDb)}\n`, { mode: 0o600 });
  const app = await startSampleApp({
    stateDir: join(workspaceDir, '.state'),
    logFile: join(workspaceDir, 'application.log'),
  });
  cleanups.push({ what: 'stop the sample app', run: () => app.stop() });

  const db = new pg.Pool({ connectionString: databaseUrl(stagecoachDb), max: 10 });
  db.on('error', (error) => log.error({ err: error }, 'postgres pool error'));
  cleanups.push({ what: 'close the database pool', run: () => db.end() });
  await migrate(db);

  const plan = loadSamplePlan();
  const config = loadConfig({
    DATABASE_URL: databaseUrl(stagecoachDb),
    REDIS_URL: redisUrl,
    WORKSPACE_DIR: workspaceDir,
    APP_DATABASE_URL: databaseUrl(appDb),
    HEALTHCHECK_URL: app.healthcheckUrl,
    PROMETHEUS_URL: app.prometheusUrl,
    APP_LOG_FILE: join(workspaceDir, 'application.log'),
    TIME_SCALE: String(TIME_SCALE),
    REHEARSAL_DECISION_SCALE: String(DECISION_SCALE),
  });

  say(`Stagecoach demo: ${plan.application} ${VERSION} → production, rehearsed from ${plan.name}`);
  say(
    `  plan        templates/plans/local-demo.overlay.yaml: 10% (24 h soak) → 50% (48 h soak) → 100%, then the success window`,
  );
  say(
    `  time        TIME_SCALE=${TIME_SCALE}: a day of the plan passes in ${(86_400_000 / TIME_SCALE / 1000).toFixed(0)} s`,
  );
  say(
    `  decisions   REHEARSAL_DECISION_SCALE=${DECISION_SCALE}: the 30-minute go/no-go deadline and each check-in's answer window last ${(1_800_000 / DECISION_SCALE / 1000).toFixed(0)} s`,
  );
  say(`  application ${app.url} (examples/sample-app), deployed from ${workspaceDir}`);
  say(`  databases   ${stagecoachDb} (Stagecoach), ${appDb} (the application); queue prefix ${queuePrefix}`);
  say(
    `  story       ${fault ? 'a fault during the canary: alert, roll back, restore the database' : 'a clean rollout to 100%, declared complete'}`,
  );

  const local = await startLocalMode({
    config,
    plan,
    db,
    log,
    role: 'all',
    port: 0,
    queuePrefix,
    stepEnv: stepEnvironment(process.env),
  });
  cleanups.push({ what: 'stop Stagecoach', run: () => local.stop({ force: true }) });
  say(
    `  (ready in ${((Date.now() - setupStarted) / 1000).toFixed(1)} s; the console above shows the same conversation live)`,
  );
  say();

  const team = createTeam({ consoleUrl: local.url.replace('localhost', '127.0.0.1'), db, plan });
  const started = Date.now();
  if (fault) await faultStory(team, app, databaseUrl(appDb));
  else await cleanStory(team, app);
  const waits =
    plan.stages.reduce((sum, stage) => sum + stage.minSoak, 0) + (fault ? 0 : plan.successCriteria.window);
  say(
    `\nRehearsed in ${((Date.now() - started) / 1000).toFixed(1)} s` +
      (fault
        ? '.'
        : `, of which the plan's ${waits / hour} h of soaks and success window took ${(waits / TIME_SCALE / 1000).toFixed(0)} s.`),
  );
}

/** Start, go, canary, a check-in, an issue, 50%, 100%, declared complete, report. */
async function cleanStory(team: Team, app: SampleApp) {
  await team.start();
  await team.waitForCheckIn();
  await team.command(lead, 'issue minor Print preview of the visit summary cuts off the footer', 'issue');
  for (const percent of [50, 100]) {
    const prompt = await team.waitForPrompt(`the prompt to promote to ${percent}%`, 'stage_promote', (b) =>
      b.text.includes(`${percent}%`),
    );
    await team.click(prompt, 'stage_promote', lead);
    await team.waitForDeployment(`${percent}% of traffic`, (d) => d.currentPercent === percent);
  }
  const declare = await team.waitForPrompt(
    'the prompt to declare the deployment complete',
    'deploy_declare_complete',
  );
  await team.click(declare, 'deploy_declare_complete', projectLead);
  const done = await team.waitForDeployment('the deployment to complete', (d) => d.state === 'completed');
  await team.command(lead, 'report', 'report');
  await team.settle();
  const health = await appHealth(app);
  team.outcome([
    `Declared complete: deployment #${done.id} ${done.version} → ${done.environment} is ${done.state}.`,
    'Traffic went 10% → 50% → 100%, each stage Promoted by @lee after its soak.',
    `Sample EHR reports ${health}.`,
  ]);
}

/** Start, go, canary, fault, alert (or none yet), roll back, restore the database, report. */
async function faultStory(team: Team, app: SampleApp, appDatabaseUrl: string) {
  await team.start();
  await team.waitForDeployment(
    'the canary at 10%',
    (d) => d.currentPercent === 10 && ['soaking', 'awaiting_promotion'].includes(d.state),
  );
  team.answerCheckIns(false);
  await app.setFault(true);
  const faultAt = Date.now() / 1000;
  team.note(
    'Fault switched on in Sample EHR: about 8% of requests fail, p95 latency about 2.5 s, /healthcheck answers 503',
  );
  const isAlert = (m: LocalMessage) =>
    Number(m.ts) > faultAt &&
    m.text.includes(':rotating_light:') &&
    buttonsOf(m).some((b) => b.actionId === 'deploy_rollback');
  const rollingBack: DeploymentState[] = ['rolling_back', 'awaiting_restore', 'restoring', 'rolled_back'];
  const seen = await team.poll(ALERT_WAIT_MS, async () => {
    const alert = team.messages().findLast(isAlert);
    if (alert) return { alert };
    const deployment = await team.deployment();
    return deployment && rollingBack.includes(deployment.state) ? { deployment } : undefined;
  });
  if (seen?.alert) {
    await team.clickAndFill(
      seen.alert,
      'deploy_rollback',
      lead,
      'error rate and latency over threshold on the canary',
    );
  } else if (seen?.deployment) {
    team.note('Stagecoach started the rollback itself');
  } else {
    team.note(
      `No monitoring alert (:rotating_light: with a Roll back button) within ${ALERT_WAIT_MS / 1000} s: this version of Stagecoach does not raise one yet. Rolling back by hand.`,
    );
    await team.command(lead, 'rollback fault injected');
  }
  const reverted = await team.waitForDeployment(
    'the revert',
    (d) => d.state === 'awaiting_restore' || d.state === 'rolled_back',
    60_000,
  );
  let restored = false;
  if (reverted.state === 'awaiting_restore') {
    const prompt = await team.waitForPrompt('the database restore prompt', 'restore_confirm');
    await team.click(prompt, 'restore_confirm', dba);
    restored = true;
  }
  const done = await team.waitForDeployment(
    'the rollback to finish',
    (d) => d.state === 'rolled_back',
    60_000,
  );
  await team.command(lead, 'report', 'report');
  await team.settle();
  const health = await appHealth(app);
  const migrated = await tableExists(appDatabaseUrl, 'appointments');
  team.outcome([
    `Rolled back: deployment #${done.id} ${done.version} → ${done.environment} is ${done.state.replace('_', ' ')}; ${done.previousVersion ?? 'the previous version'} serves all traffic again.`,
    restored
      ? 'The database was restored from the pre-deployment backup (confirmed by @dana, the Database Admin).'
      : 'No database restore was needed.',
    `The appointments table that v4.0.0's migration created is ${migrated ? 'still there' : 'gone'}.`,
    `Sample EHR reports ${health}.`,
  ]);
}

async function appHealth(app: SampleApp): Promise<string> {
  const response = await fetch(app.healthcheckUrl);
  const body = (await response.json()) as { status: string; version: string; trafficPercent: number };
  return `${body.version} at ${body.trafficPercent}% of traffic, status ${body.status} (HTTP ${response.status})`;
}

type Team = ReturnType<typeof createTeam>;

/** The people in the channel: they read the conversation, type /deploy and click buttons. */
function createTeam(input: { consoleUrl: string; db: pg.Pool; plan: Plan }) {
  const { consoleUrl, db, plan } = input;
  const channelNames: Record<string, string> = {
    [plan.channels.deployment]: 'deployments',
    [plan.channels.management]: 'management',
    [plan.channels.support]: 'support',
  };
  const handle = (userId: string) =>
    demoUsers.find((user) => user.id === userId)?.handle ?? userId.toLowerCase();
  const transcript = createTranscript({
    channelName: (channelId) => channelNames[channelId] ?? channelId.toLowerCase(),
    userName: handle,
  });
  let latest: LocalMessage[] = [];
  let answerCheckIns = true;
  const answered = new Set<string>();
  const stuck: DeploymentState[] = ['step_failed', 'step_interrupted', 'held', 'rollback_failed', 'aborted'];

  const post = async (path: string, body: unknown) => {
    const response = await fetch(`${consoleUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const reply = (await response.json()) as { ok?: boolean; error?: string };
    if (!response.ok || !reply.ok)
      throw new DemoError(`${path} failed: ${reply.error ?? `HTTP ${response.status}`}`);
  };

  const click = async (message: LocalMessage, actionId: string, userId: string) => {
    const button = buttonsOf(message).find((b) => b.actionId === actionId) as Button;
    transcript.click(
      message.channel,
      Boolean(message.thread_ts && message.thread_ts !== message.ts),
      button,
      userId,
    );
    await post('/console/action', {
      user: userId,
      channel: message.channel,
      messageTs: message.ts,
      actionId,
    });
  };

  /** Clicks a button that opens a form (a modal), then fills it in and submits it, as a person would. */
  const clickAndFill = async (message: LocalMessage, actionId: string, userId: string, text: string) => {
    const before = new Set(
      ((await (await fetch(`${consoleUrl}/console/state`)).json()) as { views: { id: string }[] }).views.map(
        (view) => view.id,
      ),
    );
    await click(message, actionId, userId);
    const view = await poll(5_000, async () => {
      const state = (await (await fetch(`${consoleUrl}/console/state`)).json()) as {
        views: { id: string; user: string }[];
      };
      return state.views.find((candidate) => candidate.user === userId && !before.has(candidate.id));
    });
    if (!view) throw new DemoError(`clicking ${actionId} opened no form`);
    transcript.note(`@${handle(userId)} fills in the form: "${text}"`);
    await post('/console/view', { user: userId, viewId: view.id, values: { text: { text } } });
  };

  /** Reads the conversation, prints what is new and, like the lead on watch, answers check-ins. */
  const refresh = async () => {
    const response = await fetch(`${consoleUrl}/console/state`);
    latest = ((await response.json()) as { messages: LocalMessage[] }).messages;
    transcript.show(latest);
    if (!answerCheckIns) return;
    for (const message of latest) {
      if (answered.has(message.ts) || !buttonsOf(message).some((b) => b.actionId === 'checkin_ok')) continue;
      answered.add(message.ts);
      // The next check-in may close this one first (it is then marked unanswered): not a failure.
      await click(message, 'checkin_ok', lead).catch((error: Error) =>
        transcript.note(`the click did not land: ${error.message}`),
      );
    }
  };

  const deployment = () =>
    findLatestDeployment(db, plan.defaultEnvironment) as Promise<Deployment | undefined>;

  /** Polls until `check` answers; undefined after `timeoutMs`. */
  const poll = async <T>(
    timeoutMs: number,
    check: () => T | undefined | Promise<T | undefined>,
  ): Promise<T | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      await refresh();
      const found = await check();
      if (found) return found;
      await sleep(100);
    }
    await refresh();
    return undefined;
  };

  /** Like poll, but a deployment stuck in a state the story does not expect fails the demo at once. */
  const waitFor = async <T>(
    label: string,
    timeoutMs: number,
    check: () => T | undefined | Promise<T | undefined>,
  ) => {
    const found = await poll(timeoutMs, async () => {
      const current = await deployment();
      if (current && stuck.includes(current.state)) {
        throw new DemoError(
          `deployment #${current.id} is ${current.state.replaceAll('_', ' ')} while waiting for ${label}: see the transcript above`,
        );
      }
      return check();
    });
    if (!found) {
      const current = await deployment();
      throw new DemoError(
        `timed out after ${timeoutMs / 1000} s waiting for ${label} (deployment ${current ? `#${current.id} is ${current.state}` : 'not started'})`,
      );
    }
    return found;
  };

  /** Types `/deploy <text>`; for a subcommand that may not exist yet, says so and goes on. */
  const command = async (userId: string, text: string, optional?: string) => {
    const before = Date.now() / 1000;
    await post('/console/command', { user: userId, text });
    if (!optional) return refresh();
    const answer = await poll(5_000, () =>
      latest.find((m) => m.author === 'UBOT' && m.ephemeral && m.user === userId && Number(m.ts) >= before),
    );
    if (answer?.text.includes('not available yet')) {
      transcript.note(`/deploy ${optional} is not available yet in this version of Stagecoach: going on`);
    }
  };

  const openPrompt = (actionId: string, filter: (button: Button) => boolean = () => true) =>
    latest.findLast(
      (m) =>
        m.channel === plan.channels.deployment &&
        !m.ephemeral &&
        buttonsOf(m).some((b) => b.actionId === actionId && filter(b)),
    );

  return {
    clickAndFill,
    messages: () => latest,
    deployment,
    poll,
    click,
    note: (text: string) => transcript.note(text),
    answerCheckIns(on: boolean) {
      answerCheckIns = on;
    },

    command,

    async start() {
      transcript.start();
      await command(lead, `start ${VERSION}`);
      const goNoGo = await waitFor('the go/no-go prompt', 30_000, () => openPrompt('gonogo_proceed'));
      await click(goNoGo, 'gonogo_proceed', lead);
    },

    waitForCheckIn: () =>
      waitFor('a check-in to answer', 30_000, () => (answered.size > 0 ? true : undefined)),

    waitForPrompt: (label: string, actionId: string, filter?: (button: Button) => boolean) =>
      waitFor(label, 40_000, () => openPrompt(actionId, filter)),

    waitForDeployment: (label: string, ok: (deployment: Deployment) => boolean, timeoutMs = 40_000) =>
      waitFor(label, timeoutMs, async () => {
        const current = await deployment();
        return current && ok(current) ? current : undefined;
      }),

    /** Lets the last messages (milestone pings, the final step) arrive and be printed. */
    settle: () => poll(1_500, () => undefined),

    outcome(lines: string[]) {
      process.stdout.write(`\nOutcome\n${lines.map((line) => `  ${line}`).join('\n')}\n`);
    },
  };
}

async function tableExists(databaseUrl: string, table: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result = await client.query<{ found: string | null }>('SELECT to_regclass($1)::text AS found', [
      table,
    ]);
    return result.rows[0]?.found != null;
  } finally {
    await client.end();
  }
}

async function dropDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

async function deleteKeys(redisUrl: string, prefix: string) {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

await main();
