import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { NatsConnection } from '@nats-io/transport-node';
import pino from 'pino';
import { actingAs, BusIdentity } from './bus/bus-identity.ts';
import { openDatabase, type Database } from './db/database.ts';

/**
 * What the integration tests of this package talk to: the servers named by NATS_URL, DATABASE_URL
 * and REDIS_URL; otherwise NATS on loopback, embedded PGlite and no Redis. Only tests import this.
 */
export const testBackends = {
  natsUrl: process.env.NATS_URL || 'nats://127.0.0.1:4222',
  databaseUrl: process.env.DATABASE_URL || undefined,
  redisUrl: process.env.REDIS_URL || undefined,
};

/** Lower-case hex, safe in database, stream, subject and consumer names. */
export const uniqueSuffix = () => randomBytes(5).toString('hex');

/** The SERVICE_KEY of this package's tests (random per test file). */
export const testServiceKey = randomBytes(32);

/** The connection signing as `service` with the test key, as the kit's connections do. */
export const signedAs = (nc: NatsConnection, service: string): NatsConnection =>
  actingAs(nc, new BusIdentity(testServiceKey, service));

export const silentLogger = pino({ level: 'silent' });

export const tempDir = (prefix: string) => mkdtemp(join(tmpdir(), prefix));

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

export interface TestDatabase {
  db: Database;
  /** Another handle on the same data: a second pool on PostgreSQL, the same handle on PGlite (one connection per process). */
  another(): Promise<Database>;
  dispose(): Promise<void>;
}

/** A fresh database with a unique name on the configured backend, removed by `dispose`. */
export async function openTestDatabase(): Promise<TestDatabase> {
  const { databaseUrl } = testBackends;
  const dataDir = await tempDir('nxg-platform-db-');
  const name = `nxg_test_${uniqueSuffix()}`;
  const open = () => openDatabase({ service: 'platform-test', url: databaseUrl, name, dataDir, poolSize: 4 });
  const db = await open();
  const extra: Database[] = [];
  return {
    db,
    async another() {
      if (db.kind === 'pglite') return db;
      const other = await open();
      extra.push(other);
      return other;
    },
    async dispose() {
      await Promise.all(extra.map((d) => d.close().catch(() => {})));
      await db.close().catch(() => {});
      if (databaseUrl) await dropDatabase(databaseUrl, name);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
