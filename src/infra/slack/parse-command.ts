/** The `/deploy` grammar (README.md, "Commands"; `usage` below), parsed into one value per subcommand. */
export type DeployCommand =
  | { name: 'help' }
  | {
      name: 'start';
      version: string;
      environment?: string | undefined;
      dryRun: boolean;
      /** `--redeploy`: the version already running is deployed again on purpose. */
      redeploy?: boolean;
      /** `--without-rollback-target`: start although the way back is not confirmed (audited). */
      withoutRollbackTarget?: boolean;
    }
  | { name: 'status'; ref?: string | undefined }
  | { name: 'approve'; skipSoakReason?: string | undefined }
  | { name: 'hold'; reason?: string | undefined }
  | { name: 'resume'; reason?: string | undefined }
  | { name: 'abort'; reason?: string | undefined }
  | { name: 'rollback'; reason?: string | undefined }
  | { name: 'issue'; severity: 'critical' | 'major' | 'minor'; description: string }
  | { name: 'window'; start: string; duration?: string | undefined; version?: string | undefined }
  | { name: 'schedule' }
  | { name: 'roles' }
  | { name: 'history' }
  | { name: 'role'; role: string; userId: string }
  | { name: 'role_remove'; role: string; userId: string }
  | { name: 'lock'; environment: string; reason?: string | undefined }
  | { name: 'unlock'; environment: string; reason?: string | undefined }
  | { name: 'report'; ref?: string | undefined }
  // The decisions of the buttons, for when the message or its button is gone (same checks).
  | { name: 'retry' }
  | { name: 'mark_done' }
  | { name: 'extend' }
  | { name: 'go' }
  | { name: 'restore_db' }
  | { name: 'keep_db' }
  | { name: 'complete' }
  | { name: 'all_good' }
  | { name: 'ack' }
  | { name: 'no_auto_rollback' }
  | { name: 'resolve'; issueId: number };

export type ParseResult = { ok: true; command: DeployCommand } | { ok: false; error: string };

export const usage = [
  '*Usage:* `/deploy <subcommand>`',
  '`help`: this list',
  '`start <version> [to <environment>] [--dry-run] [--redeploy] [--without-rollback-target]`: run the plan for a version (deployment lead)',
  '`status [<deployment>]`: state, steps with durations, who started it',
  '`approve [--skip-soak <reason>]`: promote to the next stage (skipping the soak needs a reason)',
  '`hold [<reason>]` | `resume` | `abort`: steer the active deployment',
  '`rollback [<reason>]`: revert to the previous version',
  '`issue <critical|major|minor> <description>`: report an issue',
  '`window <ISO-8601 start> [<duration>] [<version>]`: schedule the maintenance window and its notices',
  '`schedule`: the schedule table with live status',
  '`roles` | `role <role> <@user>` | `role <role> remove <@user>`: contacts and responsibilities; assign or remove a role (admins)',
  '`lock <environment> [<reason>]` | `unlock <environment> [<reason>]`: stop or allow deployments',
  '`history` | `report [<deployment>]`: past deployments; the post-deployment review',
  '`retry` | `mark-done`: retry the failed step, or mark it done by hand once you checked its work',
  '`extend` | `go`: extend the soak instead of promoting; go at the go/no-go decision',
  '`restore-db` | `keep-db`: after a rollback, restore the database from the backup, or keep it (database admin)',
  '`complete`: declare the deployment complete at 100% (project lead)',
  '`all-good` | `ack` | `no-auto-rollback`: answer the latest check-in; acknowledge the latest alert; hold its auto-rollback',
  '`resolve <issue>`: mark a reported issue resolved, e.g. `/deploy resolve 12`',
].join('\n');

/** The first word of every subcommand, as typed: the only names a metric may be labelled with. */
export const subcommandWords = [
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
  'retry',
  'mark-done',
  'extend',
  'go',
  'restore-db',
  'keep-db',
  'complete',
  'all-good',
  'ack',
  'no-auto-rollback',
  'resolve',
] as const;
export type SubcommandWord = (typeof subcommandWords)[number];

/** The subcommand a text asks for, `help` when empty, `unknown` for any other first word. */
export function subcommandOf(text: string): SubcommandWord | 'unknown' {
  const first = text.trim().split(/\s+/)[0]?.toLowerCase() || 'help';
  return (subcommandWords as readonly string[]).includes(first) ? (first as SubcommandWord) : 'unknown';
}

const userMention = /^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$/;

export function parseCommand(text: string): ParseResult {
  const words = text.trim().split(/\s+/).filter(Boolean);
  const [name, ...rest] = words;
  const restText = text
    .trim()
    .slice(name?.length ?? 0)
    .trim();
  const fail = (error: string): ParseResult => ({ ok: false, error: `${error}\n\n${usage}` });
  const ok = (command: DeployCommand): ParseResult => ({ ok: true, command });
  switch (name?.toLowerCase()) {
    case undefined:
    case 'help':
      return ok({ name: 'help' });
    case 'start': {
      const [version, ...more] = rest;
      if (!version) return fail('`start` needs a version, e.g. `/deploy start v4.0.0`.');
      let environment: string | undefined;
      let dryRun = false;
      let redeploy = false;
      let withoutRollbackTarget = false;
      for (let i = 0; i < more.length; i++) {
        const word = more[i] as string;
        if (word === '--dry-run') dryRun = true;
        else if (word === '--redeploy') redeploy = true;
        else if (word === '--without-rollback-target') withoutRollbackTarget = true;
        else if (word === 'to' && more[i + 1] && environment === undefined) environment = more[++i];
        else return fail(`Unexpected \`${more.slice(i).join(' ').slice(0, 60)}\` after the version.`);
      }
      return ok({
        name: 'start',
        version,
        environment,
        dryRun,
        ...(redeploy ? { redeploy } : {}),
        ...(withoutRollbackTarget ? { withoutRollbackTarget } : {}),
      });
    }
    case 'status':
      return rest.length > 1
        ? fail('`status` takes at most one deployment.')
        : ok({ name: 'status', ref: rest[0] });
    case 'approve': {
      if (rest.length === 0) return ok({ name: 'approve' });
      if (rest[0] !== '--skip-soak')
        return fail(
          '`approve` takes no arguments, or `--skip-soak <reason>` to promote before the soak ends.',
        );
      const reason = restText.slice('--skip-soak'.length).trim();
      if (!reason)
        return fail(
          '`approve --skip-soak` needs a reason, e.g. `/deploy approve --skip-soak hotfix for login outage`.',
        );
      return ok({ name: 'approve', skipSoakReason: reason });
    }
    case 'hold':
    case 'resume':
    case 'abort':
      return ok({ name: name.toLowerCase() as 'hold', reason: restText || undefined } as DeployCommand);
    case 'rollback':
      return ok({ name: 'rollback', reason: restText || undefined });
    case 'issue': {
      const severity = rest[0]?.toLowerCase();
      if (severity !== 'critical' && severity !== 'major' && severity !== 'minor') {
        return fail('`issue` needs a severity: critical, major or minor.');
      }
      const description = restText.slice(rest[0]?.length ?? 0).trim();
      if (!description) return fail('`issue` needs a description after the severity.');
      return ok({ name: 'issue', severity, description });
    }
    case 'window': {
      if (!rest[0] || rest.length > 3) {
        return fail(
          '`window` needs an ISO-8601 start, e.g. `/deploy window 2026-12-05T22:00-05:00 4h v4.0.0`; the duration and version are optional.',
        );
      }
      // After the start, a token that looks like a version is the version; any other is the duration.
      const [start, ...more] = rest;
      const version = more.find((word) => /^v\d/.test(word));
      const duration = more.find((word) => word !== version);
      if (more.length === 2 && (!version || !duration))
        return fail('`window` takes a start, then optionally one duration and one version.');
      return ok({ name: 'window', start, duration, version });
    }
    case 'schedule':
    case 'roles':
    case 'history':
      return rest.length > 0
        ? fail(`\`${name}\` takes no arguments.`)
        : ok({ name: name.toLowerCase() } as DeployCommand);
    case 'role': {
      // `role <role> remove <@user>`: where `remove` stands, the assigning form has a mention.
      if (rest[1]?.toLowerCase() === 'remove') {
        const removed = rest[2] ? userMention.exec(rest[2]) : null;
        if (!removed || rest.length > 3)
          return fail(
            '`role <role> remove` needs a role and a user, e.g. `/deploy role deployment_lead remove @alice`.',
          );
        return ok({ name: 'role_remove', role: rest[0] as string, userId: removed[1] as string });
      }
      const match = rest[1] ? userMention.exec(rest[1]) : null;
      if (!rest[0] || !match || rest.length > 2)
        return fail('`role` needs a role and a user, e.g. `/deploy role deployment_lead @alice`.');
      return ok({ name: 'role', role: rest[0], userId: match[1] as string });
    }
    case 'lock':
    case 'unlock': {
      const environment = rest[0];
      if (!environment) return fail(`\`${name}\` needs an environment, e.g. \`/deploy ${name} production\`.`);
      const reason = restText.slice(environment.length).trim() || undefined;
      return ok({ name: name.toLowerCase() as 'lock', environment, reason } as DeployCommand);
    }
    case 'report':
      return rest.length > 1
        ? fail('`report` takes at most one deployment.')
        : ok({ name: 'report', ref: rest[0] });
    case 'retry':
    case 'mark-done':
    case 'extend':
    case 'go':
    case 'restore-db':
    case 'keep-db':
    case 'complete':
    case 'all-good':
    case 'ack':
    case 'no-auto-rollback': {
      const word = name.toLowerCase();
      if (rest.length > 0) return fail(`\`${word}\` takes no arguments.`);
      return ok({ name: word.replaceAll('-', '_') } as DeployCommand);
    }
    case 'resolve': {
      const issueId =
        rest.length === 1 && /^#?\d{1,15}$/.test(rest[0] as string) ? Number(rest[0]?.replace('#', '')) : 0;
      if (!Number.isSafeInteger(issueId) || issueId <= 0)
        return fail('`resolve` needs the number of one issue, e.g. `/deploy resolve 12`.');
      return ok({ name: 'resolve', issueId });
    }
    default:
      return fail(`Unknown subcommand \`${name.slice(0, 40)}\`.`);
  }
}
