/**
 * Preloaded into a service by write-bench.ts (`node --import …/sql-counter.ts`): counts every SQL
 * statement the service's `pg` clients send, by statement (its first words), with the rows each
 * returned or touched. On SIGUSR2 it writes the counts so far as JSON (`{ dump, counts }`, dump
 * numbering the answers) to BENCH_SQL_COUNT_FILE, so
 * the benchmark can take the difference over a run: statements per request, transactions per
 * request, outbox deletions per request and rows per deletion.
 *
 * Bench-only: it wraps `pg.Client.prototype.query` in the process it is loaded into, nowhere else.
 */
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const file = process.env.BENCH_SQL_COUNT_FILE;
if (!file) throw new Error('BENCH_SQL_COUNT_FILE is required');

// The pg the platform's database module loads (pg's ESM entry re-exports the same CommonJS Client).
const require = createRequire(new URL('../../packages/platform/package.json', import.meta.url));
const pg = require('pg') as {
  Client: { prototype: { query: (...args: unknown[]) => unknown } };
};

export interface SqlCounts {
  [statement: string]: { calls: number; rows: number };
}
const counts: SqlCounts = {};

/** A statement's label: its whitespace collapsed, cut after the table it works on. */
const labelOf = (text: string): string => {
  const flat = text.replace(/\s+/g, ' ').trim();
  const table = /^(?:(?:SELECT|WITH)\b.*?\bFROM|INSERT INTO|UPDATE|DELETE FROM)\s+([\w.]+)/i.exec(flat);
  return table ? `${flat.slice(0, table.index + table[0].length)}` : flat.slice(0, 60);
};

const record = (label: string, result: unknown) => {
  const entry = (counts[label] ??= { calls: 0, rows: 0 });
  entry.calls += 1;
  const rowCount = (result as { rowCount?: number | null } | undefined)?.rowCount;
  if (typeof rowCount === 'number') entry.rows += rowCount;
};

const original = pg.Client.prototype.query;
pg.Client.prototype.query = function query(this: unknown, ...args: unknown[]) {
  const config = args[0];
  const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
  if (typeof text !== 'string') return original.apply(this, args);
  const label = labelOf(text);
  const callback = args.at(-1);
  if (typeof callback === 'function') {
    // pg-pool's pool.query passes a callback.
    args[args.length - 1] = (error: unknown, result: unknown) => {
      if (!error) record(label, result);
      (callback as (error: unknown, result: unknown) => void)(error, result);
    };
    return original.apply(this, args);
  }
  const returned = original.apply(this, args);
  if (returned && typeof (returned as Promise<unknown>).then === 'function') {
    (returned as Promise<unknown>).then(
      (result) => record(label, result),
      () => {},
    );
  }
  return returned;
};

let dumps = 0;
process.on('SIGUSR2', () => writeFileSync(file, JSON.stringify({ dump: ++dumps, counts })));
