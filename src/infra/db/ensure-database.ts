import { userInfo } from 'node:os';
import pg from 'pg';

/**
 * A URL without a user name connects as the operating system's user, as libpq (psql) does. The
 * driver takes `USER` instead, which containers and CI often leave unset: then Postgres answers
 * "no PostgreSQL user name specified". Call before the first connection.
 */
export function useOperatingSystemUser(): void {
  if (pg.defaults.user) return;
  try {
    pg.defaults.user = userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers): the URL must then name the user.
  }
}

/**
 * Connects, creating Stagecoach's own database on first run (a fresh machine has only `postgres`).
 * Throws one line that says what is wrong: Postgres not running or not reachable, or running but
 * refusing this user, and how to fix it.
 */
export async function ensureDatabase(url: string): Promise<void> {
  useOperatingSystemUser();
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.end();
    return;
  } catch (error) {
    await client.end().catch(() => undefined);
    const code = (error as { code?: string }).code;
    if (code !== '3D000') throw unreachable(url, error);
  }
  const adminUrl = new URL(url);
  const name = adminUrl.pathname.slice(1);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString(), connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name.replaceAll('"', '""')}"`);
  } catch (error) {
    if ((error as { code?: string }).code !== '42P04') throw unreachable(url, error);
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/** SQLSTATE class 28 (invalid authorization) and 42501 (no CREATE DATABASE privilege): Postgres runs, the user is wrong. */
const refusedCodes = new Set(['28000', '28P01', '42501']);

function unreachable(url: string, error: unknown): Error {
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  const reason = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code ?? '';
  if (refusedCodes.has(code)) {
    const user = safe.username ? decodeURIComponent(safe.username) : (pg.defaults.user ?? '(none)');
    return new Error(
      `Postgres at ${safe.toString()} is running but refused user ${user} (${reason}): create that role (as the postgres user: createuser --createdb ${user}) or put a user that may connect in DATABASE_URL, e.g. postgres://postgres:<password>@localhost:5432/stagecoach`,
    );
  }
  // A SQLSTATE means the server answered: it runs, something else is wrong.
  if (/^[0-9A-Z]{5}$/.test(code)) {
    return new Error(`Postgres at ${safe.toString()} answered with an error (${reason}): check DATABASE_URL`);
  }
  return new Error(
    `Postgres is not reachable at ${safe.toString()} (${reason}): start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL`,
  );
}
