import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';

export type Row = Record<string, unknown>;

/** What a query needs: the database itself or an open transaction. */
export interface Queryable {
  /** The service that owns this database: the `source` of the events written to its outbox. */
  readonly service: string;
  /**
   * `name` makes it a prepared statement on PostgreSQL (parsed and planned once per connection):
   * for the hot paths. PGlite ignores it.
   */
  query<T extends Row = Row>(sql: string, params?: unknown[], options?: { name?: string }): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data is, for start-up messages (no credentials). */
  readonly location: string;
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` while holding a cluster-wide lock, so replicas take turns (migrations, jobs). */
  withLock<T>(lockId: number, work: (tx: Queryable) => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  service: string;
  /** A PostgreSQL server; absent → embedded PGlite under `<dataDir>/<service>`. */
  url?: string | undefined;
  /** Database on that server (created if absent); default `nxg_<service>`. */
  name?: string | undefined;
  dataDir: string;
  poolSize?: number;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.url) {
    const name = options.name ?? `nxg_${options.service.replaceAll('-', '_')}`;
    return openPostgres(options.service, options.url, name, options.poolSize ?? 10);
  }
  return openPglite(options.service, resolve(options.dataDir, options.service));
}

// A process uses one engine, so it loads only that one: the other costs start-up time and memory.
const postgresDriver = async () => (await import('pg')).default;
const embeddedEngine = async () => (await import('@electric-sql/pglite')).PGlite;

async function ensureDatabaseExists(serverUrl: string, name: string): Promise<void> {
  const { Client } = await postgresDriver();
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) {
      try {
        await admin.query(`CREATE DATABASE "${name}"`);
      } catch (error) {
        // Another replica created it between our check and our create: 42P04, or 23505 when both
        // CREATE DATABASE statements ran at once and one lost on pg_database's unique index.
        const code = (error as { code?: string }).code;
        if (code !== '42P04' && code !== '23505') throw error;
      }
    }
  } finally {
    await admin.end();
  }
}

async function openPostgres(
  service: string,
  serverUrl: string,
  name: string,
  poolSize: number,
): Promise<Database> {
  await ensureDatabaseExists(serverUrl, name);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const { Pool } = await postgresDriver();
  const pool = new Pool({ connectionString: url.toString(), max: poolSize });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const location = `postgres://${url.host}/${name}`;
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    service,
    async query<T extends Row>(sql: string, params?: unknown[], options?: { name?: string }) {
      const result = options?.name
        ? await client.query({ name: options.name, text: sql, values: params as unknown[] })
        : await client.query(sql, params as unknown[]);
      return result.rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
  });
  const transaction = async <T>(work: (tx: Queryable) => Promise<T>, lockId?: number): Promise<T> => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      if (lockId !== undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [lockId]);
      const result = await work(wrap(client));
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  };
  return {
    kind: 'postgres',
    location,
    ...wrap(pool),
    transaction: (work) => transaction(work),
    withLock: (lockId, work) => transaction(work, lockId),
    async ping() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(service: string, dir: string): Promise<Database> {
  await mkdir(dir, { recursive: true });
  const Engine = await embeddedEngine();
  const db = await Engine.create(dir);
  const wrap = (client: Pick<PGlite, 'query' | 'exec'>): Queryable => ({
    service,
    async query<T extends Row>(sql: string, params?: unknown[]) {
      return (await client.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await client.exec(sql);
    },
  });
  // PGlite is one connection in this process: its transactions are already exclusive.
  const transaction = <T>(work: (tx: Queryable) => Promise<T>) => db.transaction((tx) => work(wrap(tx)));
  return {
    kind: 'pglite',
    location: join(dir),
    ...wrap(db),
    transaction,
    withLock: (_lockId, work) => transaction(work),
    async ping() {
      return !db.closed;
    },
    close: () => db.close(),
  };
}
