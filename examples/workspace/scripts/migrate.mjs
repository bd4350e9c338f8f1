// `npm run migrate` (runbook 3.2). Prints `schema changed: yes`, which Stagecoach records: a
// rollback then offers to restore the pre-deployment backup. When .state/database-url holds the
// application database's URL, the migrations really run there (with psql), so a restore has
// something to undo: new columns and tables, and rewritten rows.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beginStep, stateDir } from './step.mjs';

await beginStep('migrate', {
  error: 'migration 0042_appointments failed: relation "patients" does not exist',
});

// Touch `.state/no-schema-change` to see a deployment whose rollback needs no restore.
if (existsSync(join(stateDir, 'no-schema-change'))) {
  console.log('no pending migrations');
  console.log('schema changed: no');
  process.exit(0);
}

// Safe to run twice: a step retried after a crash runs its command again.
const migrations = {
  '0041_patient_language': `
    CREATE TABLE IF NOT EXISTS patients (id serial PRIMARY KEY, name text NOT NULL);
    ALTER TABLE patients ADD COLUMN IF NOT EXISTS preferred_language text NOT NULL DEFAULT 'en';`,
  '0042_appointments': `
    CREATE TABLE IF NOT EXISTS appointments (
      id serial PRIMARY KEY,
      patient_id integer NOT NULL REFERENCES patients (id),
      starts_at timestamptz NOT NULL
    );`,
  '0043_consent': `
    CREATE TABLE IF NOT EXISTS consent (id serial PRIMARY KEY, patient_id integer REFERENCES patients (id));`,
  // Rewrites rows: only the pre-deployment backup brings the old names back.
  '0044_patient_names_upper_case': `
    UPDATE patients SET name = upper(name);`,
};

const databaseFile = join(stateDir, 'database-url');
if (existsSync(databaseFile)) {
  // Like the real application, the migration finds its database in its own configuration.
  const url = readFileSync(databaseFile, 'utf8').trim();
  for (const [name, sql] of Object.entries(migrations)) {
    execFileSync('psql', [url, '--no-psqlrc', '--quiet', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      stdio: 'inherit',
    });
    console.log(`applied ${name}`);
  }
} else {
  for (const name of Object.keys(migrations))
    console.log(`applied ${name} (no .state/database-url: dry run)`);
}
console.log('schema changed: yes');
