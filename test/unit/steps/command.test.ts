// The command step as a user meets it: what the plan may say, what a dry run shows, what a run reports.
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../src/errors.js';
import { commandStep } from '../../../src/steps/command.js';
import { type CommandRun, commandSchema } from '../../../src/steps/command.schema.js';
import { firstProblem, makeContext, makeWorkspaceDir } from './context.js';

const node = process.execPath;
let workspace: string;

beforeAll(async () => {
  workspace = await makeWorkspaceDir();
});

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

const run = (fields: Partial<CommandRun>): CommandRun => ({ kind: 'command', command: ['true'], ...fields });

describe('a command step in the plan', () => {
  it('accepts an argument list with a workspace directory', () => {
    const parsed = commandSchema.schema.parse({
      kind: 'command',
      command: ['npm', 'run', 'deploy', '--', '--stage={{environment}}'],
      cwd: 'packages/cdk',
    });
    expect(parsed.cwd).toBe('packages/cdk');
  });

  it('refuses a shell script with a variable in it', () => {
    expect(firstProblem(commandSchema.schema, run({ command: ['bash', '-c', 'deploy {{version}}'] }))).toBe(
      'substitutes a variable into a shell script — fix: call the program directly with one argument per element, or move the script into a file',
    );
  });

  it('refuses a working directory outside the workspace', () => {
    expect(firstProblem(commandSchema.schema, run({ cwd: '../elsewhere' }))).toContain(
      'must stay inside the workspace',
    );
  });

  it('refuses a schema-changed pattern on a step that records nothing', () => {
    expect(firstProblem(commandSchema.schema, run({ schemaChangedPattern: 'migrated' }))).toBe(
      'only applies to a step that records schema_changed — fix: add records: schema_changed or remove schemaChangedPattern',
    );
  });

  it('has its arguments, then its directory, checked for template variables', () => {
    expect(
      commandSchema.templatedFields(run({ command: ['deploy', '{{version}}'], cwd: '{{environment}}' })),
    ).toEqual([
      [['command', 0], 'deploy'],
      [['command', 1], '{{version}}'],
      [['cwd'], '{{environment}}'],
    ]);
  });
});

describe('a command step running', () => {
  it('says in a dry run the command it would run, variables filled in', () => {
    const text = commandStep.dryRunText(
      run({ command: ['./shift.sh', '--percent={{percent}}', '{{version}}'] }),
      {
        percent: '10',
        version: 'v4.0.0',
      },
    );
    expect(text).toBe('./shift.sh --percent=10 v4.0.0');
  });

  it('refuses in a dry run a variable without a value', () => {
    expect(() => commandStep.dryRunText(run({ command: ['revert', '{{previousVersion}}'] }), {})).toThrow(
      AppError,
    );
  });

  it('records whether the migration said it changed the schema', async () => {
    const migrate = run({
      command: [node, '-e', "console.log('Schema changed: yes')"],
      records: 'schema_changed',
    });
    const outcome = await commandStep.execute(migrate, makeContext(workspace));
    expect(outcome).toMatchObject({ status: 'succeeded', summary: 'exit code 0', schemaChanged: true });

    // A plan's own change marker that does not match no longer means "unchanged" (issue #14):
    // only a line saying nothing changed does.
    const custom = { ...migrate, schemaChangedPattern: '^applied \\d+ migrations?$' };
    const quiet = await commandStep.execute(custom, makeContext(workspace));
    expect(quiet.schemaChanged).toBe(true);
  });

  it('records nothing about the schema for an ordinary command', async () => {
    const outcome = await commandStep.execute(
      run({ command: [node, '-e', "console.log('Schema changed: yes')"] }),
      makeContext(workspace),
    );
    expect(outcome.status).toBe('succeeded');
    expect(outcome.schemaChanged).toBeUndefined();
  });

  it('runs in the directory the plan names, below the workspace', async () => {
    const outcome = await commandStep.execute(
      run({ command: [node, '-v'], cwd: 'missing' }),
      makeContext(workspace),
    );
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: `working directory not found: ${workspace}/missing`,
    });
  });
});
