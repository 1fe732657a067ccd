import type { Writable } from 'node:stream';
import type pg from 'pg';

const corked = new WeakSet<Writable>();

/**
 * Statements a pipelined client is given in one turn leave in one socket write. node-postgres
 * writes each pipelined statement on its own (a system call, and on loopback the server's wake-up,
 * each), so a transaction's BEGIN and first statement, or its last writes and COMMIT, were two or
 * three writes where one does. The socket is corked until the turn's ticks and microtasks have run
 * (Node's own advice: cork, then uncork on the next tick); node-postgres's inner cork/uncork pairs
 * nest inside it.
 */
export function corkForTurn(client: pg.PoolClient): void {
  const stream = (client as unknown as { connection?: { stream?: Writable } }).connection?.stream;
  if (!stream || corked.has(stream) || typeof stream.cork !== 'function') return;
  corked.add(stream);
  stream.cork();
  process.nextTick(() => {
    corked.delete(stream);
    stream.uncork();
  });
}
