// Tests read these from the environment so CI can point them elsewhere; the defaults fit this machine.
// Each vitest run gets its own databases (the suffix is set by global-setup), so runs never collide.
const base = process.env.TEST_DATABASE_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const suffix = process.env.STAGECOACH_TEST_RUN ?? 'local';
const withDb = (name: string) => {
  const url = new URL(base);
  url.pathname = `/${name}_${suffix}`;
  return url.toString();
};
export const adminDatabaseUrl = base;
export const testDatabaseUrl = withDb('stagecoach_test');
export const appDatabaseUrl = withDb('stagecoach_app_test');
export const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
