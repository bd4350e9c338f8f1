import { parseArgs } from 'node:util';
import { createRuntime, type ProcessRole, type Runtime } from './boot/runtime.js';
import { startLocalMode } from './boot/start-local-mode.js';
import { warnIfNoAdmins } from './boot/warn-if-no-admins.js';
import { loadConfig } from './config.js';
import { isAppError } from './errors.js';
import { ensureDatabase } from './infra/db/ensure-database.js';
import { migrate } from './infra/db/migrate.js';
import { createPool } from './infra/db/pool.js';
import { checkRedis } from './infra/queue/check-redis.js';
import { stepEnvironment } from './infra/run/step-environment.js';
import { healthRoutes } from './infra/web/health-routes.js';
import { createMetrics } from './infra/web/metrics.js';
import { serveRoutes } from './infra/web/serve-routes.js';
import { createLogger } from './log.js';
import { loadPlanFile } from './plan/derive-plan.js';

/** Start-up: config, services, migrations, wiring, then listen. Any failure is one line and exit 1. */
async function main() {
  const { values } = parseArgs({
    options: {
      role: { type: 'string', default: 'all' },
      // `npm start -- --local`: local mode on purpose, whatever Slack variables are set.
      local: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const role = values.role as ProcessRole;
  if (!['web', 'worker', 'all'].includes(role))
    throw new Error(`--role must be web, worker or all (got ${values.role})`);
  const config = loadConfig(process.env, { local: values.local });
  const plan = loadPlanFile(config.planFile);
  const log = createLogger(config.logLevel);
  if (role !== 'worker') warnIfNoAdmins(config, log);
  await ensureDatabase(config.databaseUrl);
  await checkRedis(config.redisUrl);
  const db = createPool(
    config.databaseUrl,
    (error) => log.error({ err: error }, 'postgres pool error'),
    config.databasePoolSize,
  );
  const applied = await migrate(db);
  if (applied.length > 0) log.info({ applied }, 'database migrated');

  if (config.localMode) {
    const local = await startLocalMode({
      config,
      plan,
      db,
      log,
      role,
      stepEnv: stepEnvironment(process.env),
      queuePrefix: config.queuePrefix,
      // The console's messages and buttons survive a restart (one store per database).
      messageStore: 'local',
    });
    onShutdown(log, () => local.stop());
    return;
  }
  const metrics = createMetrics(db);
  const routes = () => healthRoutes({ db, redis: () => runtime.producer, metrics });
  const runtime: Runtime = await createRuntime({
    config,
    plan,
    db,
    log,
    role,
    botToken: config.slack.botToken as string,
    signingSecret: config.slack.signingSecret ?? '',
    apiUrl: config.slack.apiUrl,
    customRoutes: routes(),
    metrics,
    // Steps get a minimal environment plus what the plan names (README "What a step gets").
    stepEnv: stepEnvironment(process.env),
    botEnv: process.env,
    queuePrefix: config.queuePrefix,
  });
  // A worker takes no Slack requests, and Socket Mode takes them over a websocket: either way PORT
  // serves only /healthz, /readyz and /metrics, before connecting, so the image's health check
  // passes while Socket Mode (re)connects.
  const socketMode = config.slack.appToken !== undefined;
  const probes = role === 'worker' || socketMode ? await serveRoutes(routes(), config.port) : undefined;
  if (role !== 'worker') await runtime.slack.app.start(config.port);
  log.info(
    { port: config.port, role, mode: config.slack.appToken ? 'socket' : 'http', plan: plan.name },
    role === 'worker'
      ? `Stagecoach worker is running; probes on :${config.port}`
      : config.slack.appToken
        ? `Stagecoach is connected over Socket Mode; probes on :${config.port}`
        : `Stagecoach is listening on :${config.port}/slack/events`,
  );
  onShutdown(
    log,
    async () => {
      // Stop taking requests first, then let running steps finish within the grace period.
      if (role !== 'worker') await runtime.slack.app.stop();
      probes?.close();
      log.info('stopped taking requests; waiting for running steps');
      await runtime.stop({ graceMs: config.shutdownGraceMs });
      log.info('workers stopped');
      await db.end();
    },
    config.shutdownGraceMs,
  );
}

function onShutdown(log: ReturnType<typeof createLogger>, stop: () => Promise<void>, graceMs = 25_000) {
  let stopping = false;
  const handler = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down');
    // A last resort: whatever still holds the process after the grace period, Postgres keeps the truth.
    setTimeout(() => {
      log.warn('shutdown took too long; exiting');
      process.exit(0);
    }, graceMs + 10_000).unref();
    stop()
      .then(() => process.exit(0))
      .catch((error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      });
  };
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
}

// A malformed request can make a library reject outside any listener; log it, keep serving.
process.on('unhandledRejection', (reason) => {
  process.stderr.write(`${JSON.stringify({ level: 50, msg: 'unhandled rejection', err: String(reason) })}\n`);
});

main().catch((error: unknown) => {
  // The one place that prints to the terminal: a single line that says what to fix.
  const message = isAppError(error) || error instanceof Error ? error.message : String(error);
  process.stderr.write(`stagecoach: ${message}\n`);
  process.exit(1);
});
