import { fileURLToPath } from 'node:url';
import type { MigrationSource } from './db/migrate.ts';

/** Tables the platform itself needs in every service database (the outbox). */
export const platformMigrations: MigrationSource = {
  scope: 'platform',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};
