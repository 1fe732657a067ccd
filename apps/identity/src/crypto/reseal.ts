import { SealedValues, type DataKeyring, type Database, type Queryable } from '@nxg/platform';
import { sealedColumns, type SealedColumn } from './sealed-columns.ts';

export interface SealProgress {
  /** The data key that seals now. */
  currentKeyId: string;
  /** Sealed values in identity's database. */
  total: number;
  /** Of those, sealed in the current format under the current key. */
  done: number;
  /** Count per `<format>.<keyId>`, e.g. `{ "v1.1a2b3c4d": 12, "v2.9f8e7d6c": 300 }`. */
  byKey: Record<string, number>;
}

/** How far re-sealing has come: once `done === total`, the decrypt-only keys can be removed. */
export async function sealProgress(db: Queryable, currentKeyId: string): Promise<SealProgress> {
  const byKey: Record<string, number> = {};
  for (const { table, column } of sealedColumns) {
    const rows = await db.query<{ k: string; n: string }>(
      `SELECT split_part(${column}, '.', 1) || '.' || split_part(${column}, '.', 2) AS k, count(*) AS n
       FROM ${table} WHERE ${column} IS NOT NULL GROUP BY 1`,
    );
    for (const { k, n } of rows) byKey[k] = (byKey[k] ?? 0) + Number(n);
  }
  const total = Object.values(byKey).reduce((a, b) => a + b, 0);
  return { currentKeyId, total, done: byKey[`v2.${currentKeyId}`] ?? 0, byKey };
}

async function resealColumn(
  db: Database,
  column: SealedColumn,
  sealer: SealedValues,
  batch: number,
): Promise<number> {
  const { table, column: col, key } = column;
  return db.transaction(async (tx) => {
    // Rows locked while re-sealed, so a concurrent write is never overwritten with an older value;
    // rows another replica is re-sealing are skipped.
    const rows = await tx.query<{ k: string; v: string }>(
      `SELECT ${key}::text AS k, ${col} AS v FROM ${table}
       WHERE ${col} IS NOT NULL AND ${col} NOT LIKE $1
       ORDER BY ${key} LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [`v2.${sealer.keyId}.%`, batch],
    );
    if (rows.length === 0) return 0;
    const resealed = rows.map((r) => sealer.reseal(r.v, column.bind(r.k)));
    await tx.query(
      `UPDATE ${table} t SET ${col} = v.sealed FROM unnest($1::text[], $2::text[]) AS v(k, sealed)
       WHERE t.${key}::text = v.k`,
      [rows.map((r) => r.k), resealed],
    );
    return rows.length;
  });
}

/**
 * One batch of re-sealing: up to `batch` rows per sealed column still sealed under an older key or
 * in the old (unbound) format are opened and sealed again under the current key, bound to their row.
 * Resolves how many values were re-sealed (0: nothing left).
 */
export async function resealBatch(db: Database, keyring: DataKeyring, batch: number): Promise<number> {
  let count = 0;
  for (const column of sealedColumns) {
    count += await resealColumn(db, column, new SealedValues(keyring, column.purpose), batch);
  }
  return count;
}
