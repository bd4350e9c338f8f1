import pg from 'pg';

/**
 * Connects, creating Stagecoach's own database on first run (a fresh machine has only `postgres`).
 * Throws one line that names the service and how to get it when Postgres is not there.
 */
export async function ensureDatabase(url: string): Promise<void> {
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

function unreachable(url: string, error: unknown): Error {
  const safe = new URL(url);
  if (safe.password) safe.password = '***';
  const reason = error instanceof Error ? error.message : String(error);
  return new Error(
    `Postgres is not reachable at ${safe.toString()} (${reason}): start it (Debian: pg_ctlcluster 15 main start) or set DATABASE_URL`,
  );
}
