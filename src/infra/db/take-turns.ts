/**
 * Work on one key (a deployment) runs one at a time, in the order it asked, waiting in memory.
 * Transactions that would queue on the same row lock wait here instead: a transaction waiting on
 * a row lock holds a pool connection the whole time, and a burst of one deployment's timers (a
 * rehearsal's check-ins come due within a second) could hold them all while other deployments'
 * commands and steps time out waiting for one. Another process's transactions still meet the row
 * lock; this only keeps one process from queueing on it with many connections at once.
 */
export function createTakeTurns() {
  const tails = new Map<number | string, Promise<void>>();
  return async function takeTurn<T>(key: number | string, work: () => Promise<T>): Promise<T> {
    const before = tails.get(key) ?? Promise.resolve();
    let done: () => void = () => undefined;
    const mine = new Promise<void>((resolve) => {
      done = resolve;
    });
    const tail = before.then(() => mine);
    tails.set(key, tail);
    await before;
    try {
      return await work();
    } finally {
      done();
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}
