import { describe, expect, it } from 'vitest';
import {
  type DeployCommand,
  parseCommand,
  subcommandOf,
  subcommandWords,
  usage,
} from '../../../../src/infra/slack/parse-command.js';

const parsed = (text: string): DeployCommand => {
  const result = parseCommand(text);
  if (!result.ok) throw new Error(`expected ${JSON.stringify(text)} to parse, got: ${result.error}`);
  return result.command;
};
const refusedAsUnknown = (text: string): boolean => {
  const result = parseCommand(text);
  return !result.ok && result.error.startsWith('Unknown subcommand');
};
const refused = (text: string): string => {
  const result = parseCommand(text);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to be refused, got ${JSON.stringify(result.command)}`);
  return result.error;
};

// Every line of the `/deploy` grammar (README.md, "Commands"), as a user would type it.
const grammar: [string, DeployCommand][] = [
  ['help', { name: 'help' }],
  ['start v4.0.0', { name: 'start', version: 'v4.0.0', environment: undefined, dryRun: false }],
  ['start v4.0.0 to staging', { name: 'start', version: 'v4.0.0', environment: 'staging', dryRun: false }],
  ['start v4.0.0 --dry-run', { name: 'start', version: 'v4.0.0', environment: undefined, dryRun: true }],
  [
    'start v4.0.0 to staging --dry-run',
    { name: 'start', version: 'v4.0.0', environment: 'staging', dryRun: true },
  ],
  [
    'start v4.0.0 --dry-run to staging',
    { name: 'start', version: 'v4.0.0', environment: 'staging', dryRun: true },
  ],
  ['status', { name: 'status', ref: undefined }],
  ['status 12', { name: 'status', ref: '12' }],
  ['status #12', { name: 'status', ref: '#12' }],
  ['status production', { name: 'status', ref: 'production' }],
  ['approve', { name: 'approve' }],
  ['hold', { name: 'hold', reason: undefined }],
  ['hold waiting for the DBA', { name: 'hold', reason: 'waiting for the DBA' }],
  ['resume', { name: 'resume', reason: undefined }],
  ['abort', { name: 'abort', reason: undefined }],
  ['abort wrong version', { name: 'abort', reason: 'wrong version' }],
  ['rollback', { name: 'rollback', reason: undefined }],
  ['rollback error rate above 1%', { name: 'rollback', reason: 'error rate above 1%' }],
  [
    'issue critical login fails for SSO users',
    { name: 'issue', severity: 'critical', description: 'login fails for SSO users' },
  ],
  ['issue major slow search', { name: 'issue', severity: 'major', description: 'slow search' }],
  ['issue minor typo on the banner', { name: 'issue', severity: 'minor', description: 'typo on the banner' }],
  ['window 2026-12-05T22:00-05:00', { name: 'window', start: '2026-12-05T22:00-05:00', duration: undefined }],
  ['window 2026-12-05T22:00-05:00 4h', { name: 'window', start: '2026-12-05T22:00-05:00', duration: '4h' }],
  ['schedule', { name: 'schedule' }],
  ['roles', { name: 'roles' }],
  ['role deployment_lead <@U123|alice>', { name: 'role', role: 'deployment_lead', userId: 'U123' }],
  ['role database_admin <@U123>', { name: 'role', role: 'database_admin', userId: 'U123' }],
  ['lock production', { name: 'lock', environment: 'production', reason: undefined }],
  ['lock production maintenance', { name: 'lock', environment: 'production', reason: 'maintenance' }],
  ['unlock production', { name: 'unlock', environment: 'production', reason: undefined }],
  [
    'unlock production fixed the alert',
    { name: 'unlock', environment: 'production', reason: 'fixed the alert' },
  ],
  ['history', { name: 'history' }],
  ['report', { name: 'report', ref: undefined }],
  ['report 7', { name: 'report', ref: '7' }],
];

describe('/deploy text', () => {
  it.each(grammar)('%j is understood', (text, command) => {
    expect(parsed(text)).toEqual(command);
  });

  it('covers every subcommand of the grammar', () => {
    const names = new Set(grammar.map(([, command]) => command.name));
    expect([...names].sort()).toEqual(
      [
        'help',
        'start',
        'status',
        'approve',
        'hold',
        'resume',
        'abort',
        'rollback',
        'issue',
        'window',
        'schedule',
        'roles',
        'role',
        'lock',
        'unlock',
        'history',
        'report',
      ].sort(),
    );
  });

  it('treats an empty or blank command as a request for help', () => {
    expect(parsed('')).toEqual({ name: 'help' });
    expect(parsed('   \t \n ')).toEqual({ name: 'help' });
  });

  it('is forgiving about case and extra spaces in the subcommand', () => {
    expect(parsed('  START   v4.0.0   to   staging  ')).toEqual({
      name: 'start',
      version: 'v4.0.0',
      environment: 'staging',
      dryRun: false,
    });
    expect(parsed('Roles')).toEqual({ name: 'roles' });
    expect(parsed('HOLD  checking  logs')).toEqual({ name: 'hold', reason: 'checking  logs' });
  });

  it('keeps a dry run and its environment together: start v4.0.0 to staging --dry-run', () => {
    expect(parsed('start v4.0.0 to staging --dry-run')).toEqual({
      name: 'start',
      version: 'v4.0.0',
      environment: 'staging',
      dryRun: true,
    });
  });

  it('takes the user id from both forms Slack escapes mentions in', () => {
    expect(parsed('role deployment_lead <@U123|alice>')).toEqual({
      name: 'role',
      role: 'deployment_lead',
      userId: 'U123',
    });
    expect(parsed('role deployment_lead <@U123>')).toEqual({
      name: 'role',
      role: 'deployment_lead',
      userId: 'U123',
    });
    expect(parsed('role qa_lead <@W0ENTERPRISE>')).toEqual({
      name: 'role',
      role: 'qa_lead',
      userId: 'W0ENTERPRISE',
    });
  });

  describe('role <role> remove <@user> takes a role back', () => {
    it('is understood with either mention form, whatever the case of `remove`', () => {
      expect(parsed('role deployment_lead remove <@U123|alice>')).toEqual({
        name: 'role_remove',
        role: 'deployment_lead',
        userId: 'U123',
      });
      expect(parsed('role qa_lead REMOVE <@W0ENTERPRISE>')).toEqual({
        name: 'role_remove',
        role: 'qa_lead',
        userId: 'W0ENTERPRISE',
      });
    });

    it('leaves assigning as it was, even to a role spelled `remove`', () => {
      expect(parsed('role remove <@U123>')).toEqual({ name: 'role', role: 'remove', userId: 'U123' });
    });

    it.each([
      'role deployment_lead remove',
      'role deployment_lead remove alice',
      'role deployment_lead remove @alice',
      'role deployment_lead remove <#C123|general>',
      'role deployment_lead remove <@U123> <@U456>',
      'role deployment_lead remove <@U123> now',
    ])('%j is refused with what is wrong and the usage', (text) => {
      const error = refused(text);
      expect(error).toMatch(/`role <role> remove` needs a role and a user/);
      expect(error).toContain(usage);
    });

    it('is in the usage next to assigning', () => {
      expect(usage).toContain('`role <role> <@user>` | `role <role> remove <@user>`');
    });
  });

  it('names the subcommand of any text by its first word, and nothing else', () => {
    expect(subcommandOf('start v4.0.0 to staging')).toBe('start');
    expect(subcommandOf('  ROLE qa_lead remove <@U1>')).toBe('role');
    expect(subcommandOf('')).toBe('help');
    expect(subcommandOf('startx v4.0.0')).toBe('unknown');
    expect(subcommandOf('__proto__')).toBe('unknown');
    // Every word the metric may carry is a subcommand the parser knows.
    for (const word of subcommandWords) expect(refusedAsUnknown(word)).toBe(false);
  });

  it('understands --redeploy and --without-rollback-target, in any order with the environment', () => {
    expect(parsed('start v4.0.0 --redeploy')).toEqual({
      name: 'start',
      version: 'v4.0.0',
      environment: undefined,
      dryRun: false,
      redeploy: true,
    });
    expect(parsed('start v4.0.0 --without-rollback-target to staging')).toEqual({
      name: 'start',
      version: 'v4.0.0',
      environment: 'staging',
      dryRun: false,
      withoutRollbackTarget: true,
    });
    expect(parsed('start v4.0.0 to staging --dry-run --redeploy --without-rollback-target')).toEqual({
      name: 'start',
      version: 'v4.0.0',
      environment: 'staging',
      dryRun: true,
      redeploy: true,
      withoutRollbackTarget: true,
    });
    expect(usage).toContain('--redeploy');
    expect(usage).toContain('--without-rollback-target');
  });

  it('refuses a misspelt start flag instead of ignoring it', () => {
    expect(refused('start v4.0.0 --redploy')).toMatch(/Unexpected `--redploy`/);
    expect(refused('start v4.0.0 --without-rollback')).toMatch(/Unexpected `--without-rollback`/);
  });

  it('keeps the whole reason of approve --skip-soak', () => {
    expect(parsed('approve --skip-soak hotfix for login outage')).toEqual({
      name: 'approve',
      skipSoakReason: 'hotfix for login outage',
    });
  });

  describe('mistakes are answered with what went wrong and the usage', () => {
    const mistakes: [string, RegExp][] = [
      ['start', /needs a version/],
      ['start v4.0.0 to', /Unexpected `to`/],
      ['start v4.0.0 now', /Unexpected `now`/],
      ['start v4.0.0 to staging to production', /Unexpected `to production`/],
      ['status 1 2', /at most one deployment/],
      ['approve please', /takes no arguments/],
      ['approve --skip-soak', /needs a reason/],
      ['approve --skip-soak    ', /needs a reason/],
      ['issue', /needs a severity/],
      ['issue blocker it is down', /needs a severity/],
      ['issue critical', /needs a description/],
      ['window', /ISO-8601 start/],
      ['window 2026-12-05T22:00 4h extra', /ISO-8601 start/],
      ['schedule now', /takes no arguments/],
      ['roles all', /takes no arguments/],
      ['history 3', /takes no arguments/],
      ['role', /needs a role and a user/],
      ['role deployment_lead', /needs a role and a user/],
      ['role deployment_lead alice', /needs a role and a user/],
      ['role deployment_lead @alice', /needs a role and a user/],
      ['role deployment_lead <#C123|general>', /needs a role and a user/],
      ['role deployment_lead <@U123> <@U456>', /needs a role and a user/],
      ['lock', /needs an environment/],
      ['unlock', /needs an environment/],
      ['report 1 2', /at most one deployment/],
      ['deploy v4.0.0', /Unknown subcommand `deploy`/],
      ['promote', /Unknown subcommand `promote`/],
    ];
    it.each(mistakes)('%j', (text, reason) => {
      const error = refused(text);
      expect(error).toMatch(reason);
      expect(error).toContain(usage);
    });
  });

  it('lists every subcommand of the grammar in the usage', () => {
    for (const name of [
      'help',
      'start',
      'status',
      'approve',
      'hold',
      'resume',
      'abort',
      'rollback',
      'issue',
      'window',
      'schedule',
      'roles',
      'role',
      'lock',
      'unlock',
      'history',
      'report',
    ]) {
      expect(usage).toContain(`\`${name}`);
    }
    expect(usage).toContain('--dry-run');
    expect(usage).toContain('--skip-soak');
  });

  describe('hostile text never throws', () => {
    const long = 'x'.repeat(100_000);
    const hostile = [
      long,
      `start ${long}`,
      `start v4.0.0 ${long}`,
      `role deployment_lead <@U123|${long}>`,
      `unknown${long}`,
      '```start v4.0.0```',
      'start `v4.0.0`',
      'start v4.0.0 to `rm -rf /`',
      '`rm -rf /`',
      'start v4.0.0; rm -rf /',
      'start $(id)',
      'déployer v4.0.0',
      'start v4.0.0 to 生産',
      'start v4.0.0\u00a0to\u2003staging',
      '\u200b',
      '\u200bstart v4.0.0',
      '👍 🚀 💥',
      'start 🚀',
      '\ud800',
      '\u0000start\u0000',
      '<!channel> <!here>',
      '<@U123> <@U456>',
      'role <@U123> deployment_lead',
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty x',
      `issue critical ${'💥'.repeat(10_000)}`,
      `approve --skip-soak ${'\n'.repeat(1_000)}reason`,
      '\n\n\nhelp\n\n',
      `lock production ${'`'.repeat(5_000)}`,
    ];
    it.each(
      hostile.map((text) => [text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text, text]),
    )('%j', (_label, text) => {
      const result = parseCommand(text);
      expect(typeof result.ok).toBe('boolean');
      if (!result.ok) {
        expect(result.error).toContain(usage);
        // The echoed part of the input stays short, so an error is never a wall of text.
        expect(result.error.length).toBeLessThan(usage.length + 300);
      }
    });

    it('a very long unknown subcommand is echoed truncated', () => {
      const error = refused(`${'a'.repeat(5_000)} now`);
      expect(error).toContain(`Unknown subcommand \`${'a'.repeat(40)}\``);
      expect(error).not.toContain('a'.repeat(41));
    });

    it('a non-breaking space separates words like a space', () => {
      expect(parsed('start v4.0.0\u00a0to\u2003staging')).toEqual({
        name: 'start',
        version: 'v4.0.0',
        environment: 'staging',
        dryRun: false,
      });
    });
  });
});
