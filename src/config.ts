import { z } from 'zod';
import { AppError } from './errors.js';

/** How to fix each variable when it is wrong: the start-up error names the variable and this. */
const fixes: Record<string, string> = {
  SLACK_BOT_TOKEN: 'copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions',
  SLACK_SIGNING_SECRET: 'copy it from Basic Information → App Credentials',
  SLACK_APP_TOKEN:
    'create an app-level token (xapp-...) with connections:write under Basic Information, or unset it for HTTP mode',
  SLACK_API_URL: 'use an http(s) URL ending in /api/, or unset it for https://slack.com/api/',
  SLACK_PACING:
    'use on or off, or unset it to pace calls to Slack itself and not to a SLACK_API_URL stand-in',
  DATABASE_URL: 'use a postgres:// URL, e.g. postgres://localhost:5432/stagecoach',
  REDIS_URL: 'use a redis:// URL, e.g. redis://127.0.0.1:6379',
  DATABASE_POOL_SIZE: 'use a whole number from 2 to 200 (connections per process)',
  PORT: 'use a port number from 1 to 65535',
  TIME_SCALE: 'use a positive number (1 = real time, 3600 = an hour per second)',
  REHEARSAL_DECISION_SCALE:
    'use a positive number no larger than TIME_SCALE (1 = people decide in real time), or unset it to scale decisions like everything else',
  ADMIN_USER_IDS: 'use comma-separated Slack user ids, e.g. U012AB3CD,U045EF6GH',
  APP_DATABASE_URL: 'use a postgres:// URL of the application database to back up',
  HEALTHCHECK_URL: 'use the http(s) URL of the application health check',
  PROMETHEUS_URL: 'use the base http(s) URL of the Prometheus HTTP API',
  SMTP_URL: 'use an smtp:// or smtps:// URL',
  NOTIFY_EMAILS: 'use comma-separated email addresses',
  STATUSPAGE_API_URL: 'use https://api.statuspage.io/v1 or your Statuspage API base URL',
  STATUS_WEBHOOK_URL: 'use an http(s) URL',
  INAPP_WEBHOOK_URL: 'use an http(s) URL',
  PAGERDUTY_EVENTS_URL: 'use the Events API v2 URL, https://events.pagerduty.com/v2/enqueue (the default)',
  GITHUB_REPOSITORY: 'use owner/name, e.g. example/medplum-ehr',
  GITHUB_API_URL:
    'use https://api.github.com or your GitHub Enterprise API URL (https://github.example.com/api/v3)',
  BACKUP_DIR: 'use a writable directory path for database backups',
  QUEUE_PREFIX: 'use letters, digits, - and _ only',
  SHUTDOWN_GRACE_MS: 'use the number of milliseconds running steps get to finish on SIGTERM, e.g. 25000',
  WORKSPACE_DIR: 'use the path of the application checkout where the plan commands run',
  PLAN_FILE: 'use the path of a plan YAML file, e.g. templates/plans/medplum-v4.yaml',
  DEPLOY_CHANNEL_ID: 'use a Slack channel id such as C0123456789',
  LOG_LEVEL: 'use one of fatal, error, warn, info, debug, trace, silent',
};

const optionalText = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();
const httpUrl = z.url({ protocol: /^https?$/ });
const optionalUrl = (schema: z.ZodType<string>) =>
  z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    schema.optional(),
  );
const idList = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean),
  );

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText,
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText,
  SLACK_API_URL: optionalUrl(httpUrl),
  SLACK_PACING: z.enum(['on', 'off']).optional(),
  NODE_ENV: optionalText,
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).default('postgres://localhost:5432/stagecoach'),
  REDIS_URL: z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(2).max(200).default(20),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  PLAN_FILE: z.string().min(1).default('templates/plans/medplum-v4.yaml'),
  TIME_SCALE: z.coerce.number().positive().default(1),
  REHEARSAL_DECISION_SCALE: z.coerce.number().positive().optional(),
  DEPLOY_CHANNEL_ID: optionalText,
  MANAGEMENT_CHANNEL_ID: optionalText,
  SUPPORT_CHANNEL_ID: optionalText,
  ADMIN_USER_IDS: idList.pipe(z.array(z.string().regex(/^[UW][A-Z0-9]{2,}$/))),
  WORKSPACE_DIR: z.string().min(1).default(process.cwd()),
  APP_DATABASE_URL: optionalUrl(z.url({ protocol: /^postgres(ql)?$/ })),
  HEALTHCHECK_URL: optionalUrl(httpUrl),
  PROMETHEUS_URL: optionalUrl(httpUrl),
  APP_LOG_FILE: z.string().min(1).default('/var/log/ehr-frontend/application.log'),
  SMTP_URL: optionalUrl(z.url({ protocol: /^smtps?$/ })),
  NOTIFY_EMAILS: idList.pipe(z.array(z.email())),
  STATUSPAGE_API_URL: optionalUrl(httpUrl),
  STATUSPAGE_PAGE_ID: optionalText,
  STATUSPAGE_API_KEY: optionalText,
  STATUS_WEBHOOK_URL: optionalUrl(httpUrl),
  INAPP_WEBHOOK_URL: optionalUrl(httpUrl),
  PAGERDUTY_ROUTING_KEY: optionalText,
  ALERTMANAGER_WEBHOOK_TOKEN: optionalText,
  GITHUB_TOKEN: optionalText,
  GITHUB_REPOSITORY: z
    .string()
    .trim()
    .regex(/^[\w.-]+\/[\w.-]+$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  GITHUB_API_URL: httpUrl.default('https://api.github.com'),
  PAGERDUTY_EVENTS_URL: httpUrl.default('https://events.pagerduty.com/v2/enqueue'),
  BACKUP_DIR: z.string().min(1).optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(25_000),
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .default('stagecoach'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = ReturnType<typeof toConfig>;

function toConfig(env: z.output<typeof envSchema>, localMode: boolean) {
  return {
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      apiUrl: env.SLACK_API_URL,
      /** Pace Web API calls under Slack's rate limits; unset: only when talking to Slack itself (no apiUrl). */
      pacing: env.SLACK_PACING,
    },
    localMode,
    databaseUrl: env.DATABASE_URL,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    redisUrl: env.REDIS_URL,
    port: env.PORT,
    planFile: env.PLAN_FILE,
    timeScale: env.TIME_SCALE,
    /** Divides the delays that wait for a person (deadlines, answer windows); TIME_SCALE unless a rehearsal sets it. */
    decisionScale: env.REHEARSAL_DECISION_SCALE ?? env.TIME_SCALE,
    channels: {
      deployment: env.DEPLOY_CHANNEL_ID,
      management: env.MANAGEMENT_CHANNEL_ID,
      support: env.SUPPORT_CHANNEL_ID,
    },
    adminUserIds: env.ADMIN_USER_IDS,
    workspaceDir: env.WORKSPACE_DIR,
    appDatabaseUrl: env.APP_DATABASE_URL,
    healthcheckUrl: env.HEALTHCHECK_URL,
    prometheusUrl: env.PROMETHEUS_URL,
    appLogFile: env.APP_LOG_FILE,
    smtpUrl: env.SMTP_URL,
    notifyEmails: env.NOTIFY_EMAILS,
    statuspage:
      env.STATUSPAGE_API_URL && env.STATUSPAGE_PAGE_ID && env.STATUSPAGE_API_KEY
        ? { apiUrl: env.STATUSPAGE_API_URL, pageId: env.STATUSPAGE_PAGE_ID, apiKey: env.STATUSPAGE_API_KEY }
        : undefined,
    statusWebhookUrl: env.STATUS_WEBHOOK_URL,
    inappWebhookUrl: env.INAPP_WEBHOOK_URL,
    alertmanagerToken: env.ALERTMANAGER_WEBHOOK_TOKEN,
    github:
      env.GITHUB_TOKEN && env.GITHUB_REPOSITORY
        ? { token: env.GITHUB_TOKEN, repository: env.GITHUB_REPOSITORY, apiUrl: env.GITHUB_API_URL }
        : undefined,
    pagerduty: env.PAGERDUTY_ROUTING_KEY
      ? { routingKey: env.PAGERDUTY_ROUTING_KEY, eventsUrl: env.PAGERDUTY_EVENTS_URL }
      : undefined,
    backupDir: env.BACKUP_DIR,
    logLevel: env.LOG_LEVEL,
    queuePrefix: env.QUEUE_PREFIX,
    shutdownGraceMs: env.SHUTDOWN_GRACE_MS,
  };
}

/** Parses the environment; a bad value throws one line naming the variable and the fix. */
export function loadConfig(env: NodeJS.ProcessEnv, options: { local?: boolean } = {}): Config {
  // `NAME=` (as copied from .env.example) means "use the default", like an unset variable.
  const set = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''),
  );
  const parsed = envSchema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'environment');
    const fix = fixes[name] ?? 'see .env.example';
    throw new AppError('invalid_config', `${name} is invalid (${issue?.message ?? 'bad value'}): ${fix}`);
  }
  const env2 = parsed.data;
  const localMode = options.local === true || wantsLocalMode(env2);
  if (!localMode) requireSlackCredentials(env2);
  const partialStatuspage = [
    env2.STATUSPAGE_API_URL,
    env2.STATUSPAGE_PAGE_ID,
    env2.STATUSPAGE_API_KEY,
  ].filter(Boolean);
  if (partialStatuspage.length > 0 && partialStatuspage.length < 3) {
    throw new AppError(
      'invalid_config',
      'STATUSPAGE_API_URL, STATUSPAGE_PAGE_ID and STATUSPAGE_API_KEY go together: set all three, or none',
    );
  }
  if (env2.REHEARSAL_DECISION_SCALE !== undefined && env2.REHEARSAL_DECISION_SCALE > env2.TIME_SCALE) {
    throw new AppError(
      'invalid_config',
      `REHEARSAL_DECISION_SCALE is invalid (${env2.REHEARSAL_DECISION_SCALE} is larger than TIME_SCALE ${env2.TIME_SCALE}): ${fixes.REHEARSAL_DECISION_SCALE}`,
    );
  }
  return toConfig(env2, localMode);
}

const slackCredentials = ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'] as const;

/**
 * Local mode seeds demo roles and makes a demo user an admin in the database it is given, so it
 * never starts by accident: only with no Slack credential of any kind (a half-configured
 * installation is an error, not a demo) and outside production. `--local` asks for it explicitly.
 */
function wantsLocalMode(env: z.output<typeof envSchema>): boolean {
  return slackCredentials.every((name) => env[name] === undefined) && env.NODE_ENV !== 'production';
}

/** Slack mode: one line names every missing credential and where to get it. */
function requireSlackCredentials(env: z.output<typeof envSchema>): void {
  if (env.SLACK_BOT_TOKEN === undefined) {
    const set = slackCredentials.filter((name) => env[name] !== undefined);
    if (set.length > 0) {
      // Unsetting the others leads to local mode only outside production: say so only there.
      const orLocal =
        env.NODE_ENV === 'production' ? '' : ` (or unset ${set.join(' and ')} to run local mode)`;
      throw new AppError('invalid_config', `SLACK_BOT_TOKEN is missing: ${fixes.SLACK_BOT_TOKEN}${orLocal}`);
    }
    // Nothing set, in production: a deployment that lost its secrets must not become a demo.
    throw new AppError(
      'invalid_config',
      'SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are missing: copy them from OAuth & Permissions and Basic Information → App Credentials (NODE_ENV=production never falls back to local mode; `npm start -- --local` runs it on purpose)',
    );
  }
  if (env.SLACK_SIGNING_SECRET === undefined && env.SLACK_APP_TOKEN === undefined) {
    throw new AppError('invalid_config', `SLACK_SIGNING_SECRET is missing: ${fixes.SLACK_SIGNING_SECRET}`);
  }
}
