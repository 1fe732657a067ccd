import type { Database, Queryable } from './database.ts';

export interface WriteBatcherOptions<In, Out> {
  db: Database;
  /** Writes `items` in the transaction `tx`; resolves with one result per item, in their order. */
  write: (tx: Queryable, items: In[]) => Promise<Out[]>;
  /** The most items one transaction takes. */
  maxBatch?: number;
  /** Transactions under way at once; each holds a pooled connection while it runs. */
  maxInFlight?: number;
}

/**
 * A PostgreSQL error about a statement (bad data, a broken constraint): the transaction was rolled
 * back, so its writes may be tried again. Not a lost connection, where a COMMIT may have landed
 * (class 08), nor a server shutting down (class 57).
 */
function rolledBack(error: unknown): boolean {
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return (
    typeof severity === 'string' &&
    typeof code === 'string' &&
    /^[0-9A-Z]{5}$/.test(code) &&
    !code.startsWith('08') &&
    !code.startsWith('57')
  );
}

/**
 * Group commit for a hot write path. Writes that arrive while earlier ones are being committed go
 * in together: one transaction, one statement per table (the `write` function's multi-row SQL),
 * one WAL flush, instead of one transaction, a round trip per statement and a flush each. A write
 * waits for no timer: it goes at once when a transaction slot is free, else with the next batch.
 * Each caller's promise settles when its own batch commits.
 *
 * When a batch fails on a statement (one write's bad data, say), PostgreSQL rolled it all back and
 * each of its writes is tried again alone, so only the bad one fails its caller. When the
 * connection fails, whether the COMMIT landed is unknown: every write of the batch fails, as a
 * single write would, rather than risk writing twice.
 */
export function createWriteBatcher<In, Out>(
  options: WriteBatcherOptions<In, Out>,
): (item: In) => Promise<Out> {
  const { db, write } = options;
  const maxBatch = options.maxBatch ?? 100;
  const maxInFlight = options.maxInFlight ?? 2;
  const queue: Array<{ item: In; resolve: (out: Out) => void; reject: (error: unknown) => void }> = [];
  let inFlight = 0;
  let scheduled = false;

  const alone = async (entry: (typeof queue)[number]) => {
    try {
      const [out] = await db.transaction((tx) => write(tx, [entry.item]));
      entry.resolve(out as Out);
    } catch (error) {
      entry.reject(error);
    }
  };

  const run = async (batch: typeof queue) => {
    try {
      const results = await db.transaction((tx) =>
        write(
          tx,
          batch.map((entry) => entry.item),
        ),
      );
      for (const [i, entry] of batch.entries()) entry.resolve(results[i] as Out);
    } catch (error) {
      if (batch.length > 1 && rolledBack(error)) {
        for (const entry of batch) await alone(entry);
      } else {
        for (const entry of batch) entry.reject(error);
      }
    }
  };

  const pump = () => {
    scheduled = false;
    while (inFlight < maxInFlight && queue.length > 0) {
      inFlight += 1;
      void run(queue.splice(0, maxBatch)).finally(() => {
        inFlight -= 1;
        schedule();
      });
    }
  };

  // setImmediate, not a microtask: requests read from the socket in the same turn join the batch.
  const schedule = () => {
    if (scheduled || queue.length === 0 || inFlight >= maxInFlight) return;
    scheduled = true;
    setImmediate(pump);
  };

  return (item) =>
    new Promise<Out>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
