import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '@nxg/platform';
import type { TestPlatform } from '@nxg/testing';

/**
 * A service's own database as the benchmark reads it (what was written, counted at the source), on
 * one connection; undefined on embedded PGlite, which only the service's process may open.
 */
export async function openServiceDatabase(
  platform: TestPlatform,
  service: string,
): Promise<{ db: Database | undefined; close: () => Promise<void> }> {
  const url = platform.backends.databaseUrl;
  if (!url) return { db: undefined, close: async () => {} };
  const dataDir = mkdtempSync(join(tmpdir(), `${service}-bench-`));
  const db = await openDatabase({
    service,
    url,
    name: platform.services[service]![0]!.env.DATABASE_NAME,
    dataDir,
    poolSize: 1,
  });
  return {
    db,
    close: async () => {
      await db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
