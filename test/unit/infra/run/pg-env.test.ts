import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/errors.js';
import { pgEnv } from '../../../../src/infra/run/pg-env.js';

describe('pgEnv', () => {
  it('turns a URL into libpq variables, password included', () => {
    expect(pgEnv('postgres://app:s3cret@db.internal:6432/ehr')).toEqual({
      PGHOST: 'db.internal',
      PGPORT: '6432',
      PGUSER: 'app',
      PGPASSWORD: 's3cret',
      PGDATABASE: 'ehr',
    });
  });

  it('decodes percent-escapes and IPv6 brackets', () => {
    expect(pgEnv('postgresql://us%40er:p%40ss%2Fw0rd@[::1]/my%20db')).toEqual({
      PGHOST: '::1',
      PGUSER: 'us@er',
      PGPASSWORD: 'p@ss/w0rd',
      PGDATABASE: 'my db',
    });
  });

  it('carries libpq query parameters and drops ones libpq would not know', () => {
    expect(pgEnv('postgres:///ehr?host=/var/run/postgresql&sslmode=require&schema=public')).toEqual({
      PGHOST: '/var/run/postgresql',
      PGDATABASE: 'ehr',
      PGSSLMODE: 'require',
    });
  });

  it('rejects what is not a postgres URL without echoing it', () => {
    for (const url of ['not a url with hunter2', 'mysql://root:hunter2@db/ehr']) {
      try {
        pgEnv(url);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(AppError);
        expect((error as AppError).code).toBe('invalid_config');
        expect((error as AppError).message).not.toContain('hunter2');
      }
    }
  });
});
