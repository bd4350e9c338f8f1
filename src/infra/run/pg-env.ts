import { AppError } from '../../errors.js';
import { createRedactor, type Redact } from './redact.js';

// libpq's own environment variables for the connection parameters a URL may carry as a query.
const queryParameterEnv: Record<string, string> = {
  host: 'PGHOST',
  port: 'PGPORT',
  user: 'PGUSER',
  password: 'PGPASSWORD',
  dbname: 'PGDATABASE',
  sslmode: 'PGSSLMODE',
  sslrootcert: 'PGSSLROOTCERT',
  sslcert: 'PGSSLCERT',
  sslkey: 'PGSSLKEY',
  connect_timeout: 'PGCONNECT_TIMEOUT',
  application_name: 'PGAPPNAME',
  options: 'PGOPTIONS',
};

const usage = 'expected postgres://user:password@host:5432/database';

/**
 * libpq environment variables for a postgres:// URL, so that pg_dump and friends get the
 * password from their environment and never from argv, where `ps` would show it.
 */
export function pgEnv(databaseUrl: string): Record<string, string> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    // The URL itself is not echoed: it may hold the password.
    throw new AppError('invalid_config', `the database URL is not a valid URL: ${usage}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new AppError('invalid_config', `the database URL must start with postgres://: ${usage}`);
  }

  const env: Record<string, string> = {};
  // Brackets come with IPv6 literals in URLs; libpq wants the bare address.
  const host = decodeURIComponent(url.hostname).replace(/^\[(.*)\]$/, '$1');
  if (host) env.PGHOST = host;
  if (url.port) env.PGPORT = url.port;
  if (url.username) env.PGUSER = decodeURIComponent(url.username);
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database) env.PGDATABASE = database;
  // Unknown parameters (an ORM's `schema=`, say) mean nothing to libpq and are left out.
  for (const [key, value] of url.searchParams) {
    const name = queryParameterEnv[key];
    if (name) env[name] = value;
  }
  return env;
}

/** What pg tools may take from the bot's own environment: enough to run and to format text. */
const inheritedVariable = /^(PATH|HOME|LANG|LC_[A-Z]+|TZ)$/;

/**
 * The whole environment for pg_dump, pg_restore and psql: the URL's libpq variables and the few
 * variables a program needs. Nothing else of the bot's reaches them: not its Slack token, and not
 * PG* variables of its own that would connect them somewhere the URL does not say.
 */
export function pgToolEnv(
  databaseUrl: string,
  from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value !== undefined && inheritedVariable.test(name)) env[name] = value;
  }
  return { ...env, ...pgEnv(databaseUrl) };
}

/** pg tools echo connection details in errors; the URL's password is always redacted. */
export function pgRedactor(redact: Redact | undefined, env: Record<string, string>): Redact {
  const own = createRedactor(env.PGPASSWORD ? [env.PGPASSWORD] : []);
  return redact ? (text) => own(redact(text)) : own;
}
