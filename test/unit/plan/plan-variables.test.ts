// Issue #15: a plan's own template variables (`variables:`), each computed by a command at start.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { AppError } from '../../../src/errors.js';
import { parsePlan } from '../../../src/plan/load-plan.js';

// biome-ignore lint/suspicious/noExplicitAny: tests edit the raw YAML data freely, including into invalid shapes.
type RawPlan = Record<string, any>;

function parseEdited(edit: (plan: RawPlan) => void) {
  const raw = parse(readFileSync('templates/plans/medplum-v4.yaml', 'utf8')) as RawPlan;
  edit(raw);
  return parsePlan(stringify(raw), 'plan.yaml');
}

function problems(edit: (plan: RawPlan) => void): string {
  try {
    parseEdited(edit);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return (error as AppError).message;
  }
  throw new Error('the plan was accepted');
}

const releaseTag = { command: ['git', 'describe', '--tags', '{{version}}'] };

describe('variables in a plan', () => {
  it('are usable as {{name}} in commands, URLs and env values; a timeout defaults to a minute', () => {
    const plan = parseEdited((raw) => {
      raw.variables = { releaseTag, imageDigest: { command: ['./digest.sh'], cwd: 'ops', timeout: '10s' } };
      raw.env = { RELEASE: '{{releaseTag}}' };
      raw.steps[5].run.command.push('--tag={{releaseTag}}');
      raw.steps[8].run.url = 'https://{{environment}}.example.com/health?digest={{imageDigest}}';
    });
    expect(plan.variables).toEqual({
      releaseTag: { command: releaseTag.command, timeout: 60_000 },
      imageDigest: { command: ['./digest.sh'], cwd: 'ops', timeout: 10_000 },
    });
  });

  it('refuses a name that clashes with a built-in variable, or is not a name', () => {
    expect(problems((raw) => (raw.variables = { version: releaseTag }))).toMatch(
      /^plan\.yaml: variables\.version: \{\{version\}\} is a built-in variable — fix: choose another name; the built-in ones are version, environment, /,
    );
    expect(problems((raw) => (raw.variables = { 'release-tag': releaseTag }))).toMatch(
      /variables\["release-tag"\]: expected a variable name — fix: start with a letter/,
    );
  });

  it('refuses a variable command using what has no value yet when variables are computed', () => {
    const message = problems(
      (raw) =>
        (raw.variables = {
          releaseTag,
          later: { command: ['./x.sh', '--id={{deploymentId}}', '--tag={{releaseTag}}', '{{versoin}}'] },
        }),
    );
    expect(message.split('\n')).toEqual([
      expect.stringContaining(
        "variables.later.command[1]: uses {{deploymentId}}, which has no value yet when the plan's variables are computed — fix: use only {{version}}, {{environment}}, {{previousVersion}}",
      ),
      expect.stringContaining('variables.later.command[2]: uses {{releaseTag}}, which has no value yet'),
      expect.stringContaining('variables.later.command[3]: unknown template variable {{versoin}}'),
    ]);
  });

  it('refuses the running version command using one: it runs before they are computed', () => {
    expect(
      problems((raw) => {
        raw.variables = { releaseTag };
        raw.rollback.currentVersion.command = ['./deploy-frontend.sh', '--tag={{releaseTag}}'];
      }),
    ).toContain(
      'rollback.currentVersion.command[1]: uses the plan variable {{releaseTag}}, which is computed only after the running version is known',
    );
  });

  it('still refuses a name the plan does not declare, listing its own among the allowed', () => {
    expect(
      problems((raw) => {
        raw.variables = { releaseTag };
        raw.steps[5].run.command.push('--tag={{releaseTga}}');
      }),
    ).toMatch(
      /unknown template variable \{\{releaseTga\}\} — fix: use one of .*\{\{gitSha\}\}, \{\{releaseTag\}\}/,
    );
  });
});
