import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { AppError } from '../../src/errors.js';

/** The start-up error for `env`, checked to be one coded line. */
function bootError(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_config');
    const message = (error as AppError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

const slack = { SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: 'secret' };

describe('loadConfig', () => {
  it('starts with nothing set: local mode and the documented defaults', () => {
    const config = loadConfig({});
    expect(config.localMode).toBe(true);
    expect(config.slack).toEqual({
      botToken: undefined,
      signingSecret: undefined,
      appToken: undefined,
      apiUrl: undefined,
    });
    expect(config.databaseUrl).toBe('postgres://localhost:5432/stagecoach');
    expect(config.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(config.port).toBe(3000);
    expect(config.planFile).toBe('templates/plans/medplum-v4.yaml');
    expect(config.timeScale).toBe(1);
    expect(config.channels).toEqual({ deployment: undefined, management: undefined, support: undefined });
    expect(config.adminUserIds).toEqual([]);
    expect(config.workspaceDir).toBe(process.cwd());
    expect(config.appLogFile).toBe('/var/log/ehr-frontend/application.log');
    expect(config.notifyEmails).toEqual([]);
    expect(config.statuspage).toBeUndefined();
    expect(config.smtpUrl).toBeUndefined();
    expect(config.logLevel).toBe('info');
    expect(config.queuePrefix).toBe('stagecoach');
    expect(config.databasePoolSize).toBe(20);
  });

  it('reads the values an operator sets', () => {
    const config = loadConfig({
      ...slack,
      DATABASE_URL: 'postgresql://db.internal:5433/stagecoach',
      REDIS_URL: 'rediss://cache.internal:6380',
      PORT: '8080',
      DATABASE_POOL_SIZE: '40',
      TIME_SCALE: '3600',
      ADMIN_USER_IDS: ' U012AB3CD , W045EF6GH ,',
      NOTIFY_EMAILS: 'ops@example.com, support@example.com',
      DEPLOY_CHANNEL_ID: 'C1',
      SLACK_API_URL: 'http://127.0.0.1:9999/api/',
    });
    expect(config.localMode).toBe(false);
    expect(config.port).toBe(8080);
    expect(config.databasePoolSize).toBe(40);
    expect(config.timeScale).toBe(3600);
    expect(config.adminUserIds).toEqual(['U012AB3CD', 'W045EF6GH']);
    expect(config.notifyEmails).toEqual(['ops@example.com', 'support@example.com']);
    expect(config.channels.deployment).toBe('C1');
    expect(config.slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  it('accepts a fractional time scale for slow rehearsals', () => {
    expect(loadConfig({ TIME_SCALE: '0.5' }).timeScale).toBe(0.5);
  });

  describe('a bad value stops the start with one line naming the variable and the fix', () => {
    const cases: [string, string, RegExp][] = [
      ['PORT', 'abc', /use a port number from 1 to 65535/],
      ['PORT', '0', /use a port number from 1 to 65535/],
      ['PORT', '65536', /use a port number from 1 to 65535/],
      ['PORT', '80.5', /use a port number from 1 to 65535/],
      ['PORT', '-1', /use a port number from 1 to 65535/],
      ['DATABASE_URL', 'not a url', /use a postgres:\/\/ URL/],
      ['DATABASE_URL', 'mysql://localhost/stagecoach', /use a postgres:\/\/ URL/],
      ['REDIS_URL', 'http://localhost:6379', /use a redis:\/\/ URL/],
      ['DATABASE_POOL_SIZE', '1', /use a whole number from 2 to 200/],
      ['DATABASE_POOL_SIZE', 'many', /use a whole number from 2 to 200/],
      ['TIME_SCALE', '0', /use a positive number/],
      ['TIME_SCALE', '-3600', /use a positive number/],
      ['TIME_SCALE', 'fast', /use a positive number/],
      ['ADMIN_USER_IDS', 'alice', /use comma-separated Slack user ids/],
      ['ADMIN_USER_IDS', 'U012AB3CD,@bob', /use comma-separated Slack user ids/],
      ['ADMIN_USER_IDS', 'u012ab3cd', /use comma-separated Slack user ids/],
      ['NOTIFY_EMAILS', 'ops', /use comma-separated email addresses/],
      ['NOTIFY_EMAILS', 'ops@example.com;support@example.com', /use comma-separated email addresses/],
      ['NOTIFY_EMAILS', 'ops@example.com, not-an-address', /use comma-separated email addresses/],
      ['SLACK_API_URL', 'slack.com/api', /use an http\(s\) URL ending in \/api\//],
      ['SLACK_PACING', 'yes', /use on or off/],
      [
        'HEALTHCHECK_URL',
        'ftp://example.com/health',
        /use the http\(s\) URL of the application health check/,
      ],
      ['SMTP_URL', 'http://mail.example.com', /use an smtp:\/\/ or smtps:\/\/ URL/],
      ['LOG_LEVEL', 'verbose', /use one of fatal, error, warn/],
      ['QUEUE_PREFIX', 'stage coach', /use letters, digits, - and _ only/],
    ];
    it.each(cases)('%s=%j', (name, value, fix) => {
      const message = bootError({ [name]: value });
      expect(message.startsWith(`${name} is invalid`)).toBe(true);
      expect(message).toMatch(fix);
    });
  });

  it('never echoes the value, so a mistyped secret does not end up in a log', () => {
    const message = bootError({ DATABASE_URL: 'mysql://admin:hunter2@db.internal/stagecoach' });
    expect(message).not.toContain('hunter2');
  });

  it('refuses a bot token without a signing secret in HTTP mode, and says where to find it', () => {
    expect(bootError({ SLACK_BOT_TOKEN: 'xoxb-1-2-3' })).toBe(
      'SLACK_SIGNING_SECRET is missing: copy it from Basic Information → App Credentials',
    );
    expect(bootError({ SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_SIGNING_SECRET: '   ' })).toMatch(
      /^SLACK_SIGNING_SECRET is missing/,
    );
  });

  it('accepts a bot token with an app token (Socket Mode) and no signing secret', () => {
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-1-2-3', SLACK_APP_TOKEN: 'xapp-1-2' });
    expect(config.localMode).toBe(false);
    expect(config.slack.appToken).toBe('xapp-1-2');
  });

  describe('Statuspage settings go together', () => {
    const all = {
      STATUSPAGE_API_URL: 'https://api.statuspage.io/v1',
      STATUSPAGE_PAGE_ID: 'page1',
      STATUSPAGE_API_KEY: 'key1',
    };
    it.each([
      ['only the URL', { STATUSPAGE_API_URL: all.STATUSPAGE_API_URL }],
      ['only the page id', { STATUSPAGE_PAGE_ID: all.STATUSPAGE_PAGE_ID }],
      ['only the key', { STATUSPAGE_API_KEY: all.STATUSPAGE_API_KEY }],
      ['no key', { STATUSPAGE_API_URL: all.STATUSPAGE_API_URL, STATUSPAGE_PAGE_ID: all.STATUSPAGE_PAGE_ID }],
      ['no URL', { STATUSPAGE_PAGE_ID: all.STATUSPAGE_PAGE_ID, STATUSPAGE_API_KEY: all.STATUSPAGE_API_KEY }],
    ])('%s is refused with the three names', (_label, env) => {
      const message = bootError(env);
      expect(message).toContain('STATUSPAGE_API_URL');
      expect(message).toContain('STATUSPAGE_PAGE_ID');
      expect(message).toContain('STATUSPAGE_API_KEY');
      expect(message).toMatch(/set all three, or none/);
      expect(message).not.toContain('key1');
    });

    it('all three turn the status page on', () => {
      expect(loadConfig(all).statuspage).toEqual({
        apiUrl: 'https://api.statuspage.io/v1',
        pageId: 'page1',
        apiKey: 'key1',
      });
    });

    it('none of them leaves it off', () => {
      expect(
        loadConfig({ STATUSPAGE_API_URL: '', STATUSPAGE_PAGE_ID: '', STATUSPAGE_API_KEY: '' }).statuspage,
      ).toBeUndefined();
    });
  });

  describe('local mode', () => {
    it.each([
      ['unset', {}],
      ['empty', { SLACK_BOT_TOKEN: '' }],
      ['blank', { SLACK_BOT_TOKEN: '   ' }],
    ])(
      'runs in local mode when SLACK_BOT_TOKEN is %s, without asking for a signing secret',
      (_label, env) => {
        const config = loadConfig(env);
        expect(config.localMode).toBe(true);
        expect(config.slack.botToken).toBeUndefined();
      },
    );

    it('uses Slack when SLACK_BOT_TOKEN is set', () => {
      expect(loadConfig(slack).localMode).toBe(false);
    });

    // Local mode seeds demo roles and makes a demo user admin in the database: never by accident.
    it.each([
      ['SLACK_SIGNING_SECRET', { SLACK_SIGNING_SECRET: 'secret' }],
      ['SLACK_APP_TOKEN', { SLACK_APP_TOKEN: 'xapp-1-2' }],
      [
        'SLACK_SIGNING_SECRET and SLACK_APP_TOKEN',
        { SLACK_SIGNING_SECRET: 'secret', SLACK_APP_TOKEN: 'xapp-1-2' },
      ],
    ])('refuses to start when only %s is set, naming the missing token and both ways out', (set, env) => {
      expect(bootError(env)).toBe(
        `SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions (or unset ${set} to run local mode)`,
      );
    });

    it('never falls back to local mode with NODE_ENV=production', () => {
      const message = bootError({ NODE_ENV: 'production' });
      expect(message).toMatch(/^SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are missing: /);
      expect(message).toContain('npm start -- --local');
      expect(bootError({ NODE_ENV: 'production', SLACK_SIGNING_SECRET: 'secret' })).toBe(
        'SLACK_BOT_TOKEN is missing: copy the Bot User OAuth Token (xoxb-...) from OAuth & Permissions',
      );
    });

    it('runs local mode on purpose with --local, whatever is set', () => {
      expect(loadConfig({ NODE_ENV: 'production' }, { local: true }).localMode).toBe(true);
      expect(loadConfig({ SLACK_SIGNING_SECRET: 'secret' }, { local: true }).localMode).toBe(true);
      expect(loadConfig({ NODE_ENV: 'development' }).localMode).toBe(true);
    });
  });

  it('treats empty optional settings as unset, as a copied .env leaves them', () => {
    const config = loadConfig({
      SLACK_API_URL: '',
      SLACK_APP_TOKEN: '',
      ADMIN_USER_IDS: '',
      DEPLOY_CHANNEL_ID: '',
      APP_DATABASE_URL: '',
      HEALTHCHECK_URL: '',
      PROMETHEUS_URL: '',
      SMTP_URL: '',
      NOTIFY_EMAILS: '',
      STATUS_WEBHOOK_URL: '',
      INAPP_WEBHOOK_URL: '',
    });
    expect(config.slack.apiUrl).toBeUndefined();
    expect(config.adminUserIds).toEqual([]);
    expect(config.channels.deployment).toBeUndefined();
    expect(config.appDatabaseUrl).toBeUndefined();
    expect(config.healthcheckUrl).toBeUndefined();
    expect(config.notifyEmails).toEqual([]);
    expect(config.statusWebhookUrl).toBeUndefined();
  });
});
