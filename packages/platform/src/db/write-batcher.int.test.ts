import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, testBackends, type TestDatabase } from '../test-support.ts';
import type { Database, Queryable } from './database.ts';
import { createWriteBatcher } from './write-batcher.ts';

const backend = testBackends.databaseUrl ? 'PostgreSQL' : 'PGlite';

describe(`group commit of concurrent writes (${backend})`, () => {
  let test: TestDatabase;
  let db: Database;
  /** Every batch `write` was called with, to see how writes were grouped. */
  const batches: number[][] = [];

  /** Stores readings in one multi-row statement; a negative one breaks the table's CHECK. */
  const writeReadings = async (tx: Queryable, values: number[]) => {
    batches.push(values);
    const rows = await tx.query<{ id: number; value: number }>(
      'INSERT INTO readings (value) SELECT * FROM unnest($1::int[]) RETURNING id, value',
      [values],
    );
    return rows.map((row) => row.id);
  };
  const stored = async () =>
    (await db.query<{ value: number }>('SELECT value FROM readings ORDER BY value')).map((r) => r.value);

  beforeAll(async () => {
    test = await openTestDatabase();
    db = test.db;
    await db.exec('CREATE TABLE readings (id serial PRIMARY KEY, value int NOT NULL CHECK (value >= 0))');
  });

  afterAll(async () => {
    await test?.dispose();
  });

  it('writes 60 concurrent writes in a few transactions, each caller getting its own result', async () => {
    batches.length = 0;
    const write = createWriteBatcher({ db, write: writeReadings, maxInFlight: 2 });
    const values = Array.from({ length: 60 }, (_, i) => i);
    const ids = await Promise.all(values.map((value) => write(value)));

    expect(new Set(ids).size).toBe(60);
    const byId = new Map(
      (await db.query<{ id: number; value: number }>('SELECT id, value FROM readings')).map((r) => [
        r.id,
        r.value,
      ]),
    );
    expect(ids.map((id) => byId.get(id))).toEqual(values);
    // Grouped: far fewer transactions than writes, never more than two at once.
    expect(batches.length).toBeLessThanOrEqual(4);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(values);
    await db.exec('TRUNCATE readings');
  });

  it('fails only the bad write of a batch; the others are stored', async () => {
    batches.length = 0;
    const write = createWriteBatcher({ db, write: writeReadings, maxInFlight: 1 });
    const outcomes = await Promise.allSettled([1, 2, -3, 4, 5].map((value) => write(value)));

    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
    ]);
    expect((outcomes[2] as PromiseRejectedResult).reason).toMatchObject({ code: '23514' });
    expect(await stored()).toEqual([1, 2, 4, 5]);
    await db.exec('TRUNCATE readings');
  });
});
