// A migrations step (`records: schema_changed`) as a release engineer meets it at rollback time:
// counted as a schema change whenever it ran, unless its output said nothing changed (issue #14).
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

/** A migrations step running a node script. */
const migration = (script: string, fields: Partial<CommandRun> = {}): CommandRun => ({
  kind: 'command',
  command: [node, '-e', script],
  records: 'schema_changed',
  ...fields,
});

const execute = (run: CommandRun, timeoutMs = 10_000) =>
  commandStep.execute(run, makeContext(workspace, { timeoutMs }));

describe('a migrations step in the plan', () => {
  it('takes a pattern for the line that says nothing changed', () => {
    const parsed = commandSchema.schema.parse(
      migration('0', { schemaUnchangedPattern: '^Database is up to date$' }),
    );
    expect(parsed.schemaUnchangedPattern).toBe('^Database is up to date$');
  });

  it('refuses a no-change pattern on a step that records nothing', () => {
    const run = { kind: 'command', command: ['true'], schemaUnchangedPattern: 'up to date' };
    expect(firstProblem(commandSchema.schema, run)).toBe(
      'only applies to a step that records schema_changed — fix: add records: schema_changed or remove schemaUnchangedPattern',
    );
  });

  it('refuses a no-change pattern that is not a regular expression', () => {
    expect(firstProblem(commandSchema.schema, migration('0', { schemaUnchangedPattern: 'up (to' }))).toMatch(
      /^is not a valid regular expression/,
    );
  });
});

describe('a migrations step running', () => {
  it('counts as a schema change after an ordinary migration that prints no marker', async () => {
    const outcome = await execute(
      migration(
        "console.log('> app@4.0.0 migrate'); console.log('ALTER TABLE'); console.log('applied 0041_patient_language')",
      ),
    );
    expect(outcome).toMatchObject({ status: 'succeeded', schemaChanged: true });
  });

  it('counts as no change when it said so early, even after more than 40 further lines', async () => {
    const outcome = await execute(
      migration(
        "console.log('No pending migrations.'); for (let i = 0; i < 60; i++) console.log('checked table ' + i)",
      ),
    );
    expect(outcome.status).toBe('succeeded');
    // The line has scrolled out of the tail the thread shows; it still counts.
    expect(outcome.outputTail).not.toContain('No pending migrations');
    expect(outcome.schemaChanged).toBe(false);
  });

  it('counts as a schema change when it altered the schema and then failed', async () => {
    const outcome = await execute(
      migration(
        "console.log('applied 0041_patient_language'); console.error('0042_appointments: relation \"patients\" does not exist'); process.exit(1)",
      ),
    );
    expect(outcome).toMatchObject({ status: 'failed', exitCode: 1, schemaChanged: true });
  });

  it('counts as a schema change when it timed out half-way', async () => {
    const outcome = await execute(
      migration("console.log('applying 0042_appointments...'); setTimeout(() => {}, 60_000)"),
      500,
    );
    expect(outcome).toMatchObject({ status: 'timed_out', schemaChanged: true });
  });

  it("still counts Stagecoach's 'schema changed: yes' as a change, whatever else was said", async () => {
    const outcome = await execute(
      migration("console.log('tenant a: already up to date'); console.log('tenant b: schema changed: yes')"),
    );
    expect(outcome.schemaChanged).toBe(true);
  });

  it("knows 'schema changed: no' and common tools' no-change lines", async () => {
    for (const line of [
      'schema changed: no',
      'Nothing to migrate.',
      'Already up to date',
      'No migrations to run',
    ]) {
      const outcome = await execute(migration(`console.log(${JSON.stringify(line)})`));
      expect({ line, changed: outcome.schemaChanged }).toEqual({ line, changed: false });
    }
  });

  it("uses the plan's own no-change pattern instead of the default", async () => {
    const custom = { schemaUnchangedPattern: '^Database is up to date$' };
    const quiet = await execute(migration("console.log('Database is up to date')", custom));
    expect(quiet.schemaChanged).toBe(false);
    const other = await execute(migration("console.log('No pending migrations.')", custom));
    expect(other.schemaChanged).toBe(true);
  });

  it('counts as no change when the migration tool could not even start', async () => {
    const outcome = await execute({
      kind: 'command',
      command: ['stagecoach-no-such-migrate-tool'],
      records: 'schema_changed',
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      summary: 'not found on PATH: stagecoach-no-such-migrate-tool',
      schemaChanged: false,
    });
  });
});
