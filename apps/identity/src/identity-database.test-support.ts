import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase, platformMigrations, type Database } from '@nxg/platform';
import { afterAll } from 'vitest';

/**
 * Identity's database, migrated, on embedded PGlite in a directory of the test file's own (its
 * stores tested without the service); closed and removed after the file's tests.
 */
export async function migratedIdentityDatabase(): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'nxg-identity-db-'));
  const db = await openDatabase({ service: 'identity', dataDir: dir });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  await migrate(db, [
    platformMigrations,
    { scope: 'identity', dir: fileURLToPath(new URL('../migrations', import.meta.url)) },
  ]);
  return db;
}
