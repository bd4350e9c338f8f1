/**
 * Errors that say "Postgres could not be reached or dropped us", not "this change is wrong": the
 * same work is worth trying again in a moment (pool exhausted, restart, deadlock, serialization, a lock not granted within lock_timeout).
 */
export function isTransientDbError(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (
    typeof code === 'string' &&
    ['57P01', '57P02', '57P03', '40001', '40P01', '55P03', '08006', '08003', '08001'].includes(code)
  )
    return true;
  if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(code))
    return true;
  return (
    typeof message === 'string' &&
    /timeout exceeded when trying to connect|Connection terminated|Client has encountered a connection error/i.test(
      message,
    )
  );
}
