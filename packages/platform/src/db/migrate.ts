import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database } from './database.ts';

export interface MigrationSource {
  /** Prefix of the recorded names, so platform and service migrations never collide. */
  scope: string;
  dir: string;
}

const MIGRATION_LOCK = 72_010_001;

/**
 * Applies the `*.sql` files of each source in name order, each in its own transaction, once.
 * Replicas starting together take turns on an advisory lock.
 */
export async function migrate(db: Database, sources: MigrationSource[]): Promise<string[]> {
  // Under the lock too: concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's catalog.
  await db.withLock(MIGRATION_LOCK, (tx) =>
    tx.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`),
  );
  const applied: string[] = [];
  for (const source of sources) {
    const files = (await readdir(source.dir)).filter((f) => f.endsWith('.sql')).sort();
    for (const file of files) {
      const name = `${source.scope}/${file}`;
      const sql = await readFile(join(source.dir, file), 'utf8');
      await db.withLock(MIGRATION_LOCK, async (tx) => {
        const done = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [name]);
        if (done.length > 0) return;
        await tx.exec(sql);
        await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [name]);
        applied.push(name);
      });
    }
  }
  return applied;
}
