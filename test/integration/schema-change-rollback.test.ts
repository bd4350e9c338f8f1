// A rollback after a migration tool that never says "schema changed" still offers the restore (issue #14).
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/schema.js';
import { appDatabaseUrl } from '../support/databases.js';
import type { FakeMessage } from '../support/fake-slack.js';
import { type Harness, startHarness, users } from '../support/harness.js';
import { waitUntil } from '../support/wait.js';

// 24 h of soak in 1.5 s; people decide in real time, so the go/no-go deadline (30 minutes) stays out of the way.
const env = { TIME_SCALE: '57600', REHEARSAL_DECISION_SCALE: '1' };

type Button = { action_id: string; value: string };
const buttonsOf = (message: FakeMessage | undefined): Button[] =>
  message?.blocks.find((block: { type: string }) => block.type === 'actions')?.elements ?? [];

/** The plan's migrations step as an ordinary tool: psql applies a change and prints only "ALTER TABLE". */
const plainMigration = (plan: Plan): Plan => ({
  ...plan,
  steps: plan.steps.map((step) =>
    step.id === 'migrations'
      ? {
          ...step,
          run: {
            kind: 'command',
            command: [
              'psql',
              appDatabaseUrl,
              '--no-psqlrc',
              '-v',
              'ON_ERROR_STOP=1',
              '-c',
              "ALTER TABLE patients ADD COLUMN preferred_language text NOT NULL DEFAULT 'en'",
            ],
            records: 'schema_changed',
          },
        }
      : step,
  ),
});

describe('rollback after a migration that printed no schema-change marker', () => {
  let h: Harness;
  let app: pg.Client;
  afterEach(async () => {
    // The application database is shared with other test files.
    await app?.query('DROP TABLE IF EXISTS patients').catch(() => undefined);
    await app?.end();
    await h?.close();
  });

  const thread = () => {
    const root = h.slack
      .messages('C_DEPLOY')
      .find((m) => !m.thread_ts && !m.ephemeral && m.text.includes('→ production'));
    return root ? h.slack.thread('C_DEPLOY', root.ts) : [];
  };
  const promptWith = (actionId: string) =>
    waitUntil(() => thread().find((m) => buttonsOf(m).some((b) => b.action_id === actionId)), {
      label: `a prompt with ${actionId}`,
    });
  const columns = async () =>
    (
      await app.query(
        `SELECT column_name FROM information_schema.columns WHERE table_name = 'patients' ORDER BY ordinal_position`,
      )
    ).rows.map((r) => r.column_name);

  const startWithPatients = async () => {
    h = await startHarness({ plan: plainMigration, env });
    app = new pg.Client({ connectionString: appDatabaseUrl });
    await app.connect();
    await app.query('DROP TABLE IF EXISTS consent; DROP TABLE IF EXISTS patients');
    await app.query(`CREATE TABLE patients (id serial PRIMARY KEY, name text NOT NULL)`);
  };

  it('offers the pre-deployment restore, and the restore undoes the migration', async () => {
    await startWithPatients();
    await h.client.command('start v4.0.0', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    expect(await columns()).toEqual(['id', 'name', 'preferred_language']);

    await h.client.command('rollback error rate above threshold', { user: users.lead });
    await h.waitForState(1, 'awaiting_restore');
    const prompt = await promptWith('restore_confirm');
    expect(prompt.text).toMatch(/Data written since then will be lost/);
    const confirm = buttonsOf(prompt).find((b) => b.action_id === 'restore_confirm') as Button;
    await h.client.action('restore_confirm', confirm.value, { user: users.dba, messageTs: prompt.ts });
    await h.waitForState(1, 'rolled_back', 20_000);
    expect(await columns()).toEqual(['id', 'name']);
  });

  it('records no schema change for a dry run, which runs nothing', async () => {
    await startWithPatients();
    await h.client.command('start v4.0.0 --dry-run', { user: users.lead });
    await h.waitForState(1, 'soaking', 20_000);
    expect(await columns()).toEqual(['id', 'name']);
    expect((await h.deployment(1))?.schemaChanged).toBe(false);
  });
});
