import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type pg from 'pg';
import { endWith } from '../bus/trace.ts';
import { sqlSpan } from './sql-span.ts';
import { corkForTurn } from './turn-cork.ts';

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
  /**
   * A statement whose result nobody reads (an outbox insert). In a transaction on PostgreSQL it
   * goes out at once and resolves without waiting for its answer, which comes back with COMMIT's:
   * one round trip for both. If it fails, the transaction fails with its error. Elsewhere it runs
   * like `query`.
   */
  send(sql: string, params?: unknown[], options?: { name?: string }): Promise<void>;
  /** Several statements, no parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Hands `note` to the database's commit listener once this work has committed (at once outside
   * a transaction); a transaction that rolls back drops its notes.
   */
  noteCommit(note: object): void;
}

export interface Database extends Queryable {
  readonly kind: 'postgres' | 'pglite';
  /** Where the data is, for start-up messages (no credentials). */
  readonly location: string;
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Runs `work` while holding a cluster-wide lock, so replicas take turns (migrations, jobs). */
  withLock<T>(lockId: number, work: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Receives the notes of every commit (the outbox relay: the events it can publish at once). */
  setCommitListener(listener: CommitListener | undefined): void;
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

export type CommitListener = (notes: readonly object[]) => void;

/** Where a database's commit notes go: one listener, which must not throw into the committer. */
function commitNotes() {
  let listener: CommitListener | undefined;
  return {
    set: (next: CommitListener | undefined) => void (listener = next),
    deliver(notes: readonly object[]) {
      if (notes.length === 0 || !listener) return;
      try {
        listener(notes);
      } catch {
        // the listener's own failure; the commit stands, and the outbox sweep covers the events
      }
    },
  };
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
  // Pipelined clients send a statement without waiting for the answers to those before it: a
  // transaction's BEGIN travels with its first statement and its last writes with COMMIT.
  const { Pool } = await postgresDriver();
  const pool = new Pool({ connectionString: url.toString(), max: poolSize, pipeline: true });
  // An idle client that loses its server must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const location = `postgres://${url.host}/${name}`;
  const notes = commitNotes();
  const run = (
    client: pg.Pool | pg.PoolClient,
    sql: string,
    params?: unknown[],
    options?: { name?: string },
  ) => {
    if (client !== pool) corkForTurn(client as pg.PoolClient);
    return endWith(
      sqlSpan(name, sql, options?.name),
      options?.name
        ? client.query({ name: options.name, text: sql, values: params as unknown[] })
        : client.query(sql, params as unknown[]),
    );
  };
  const wrap = (client: pg.Pool | pg.PoolClient): Queryable => ({
    service,
    async query<T extends Row>(sql: string, params?: unknown[], options?: { name?: string }) {
      return (await run(client, sql, params, options)).rows as T[];
    },
    async send(sql: string, params?: unknown[], options?: { name?: string }) {
      await run(client, sql, params, options);
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    noteCommit: (note) => notes.deliver([note]),
  });
  /** In a transaction, `send` does not wait: what it sent is settled at COMMIT. */
  const inTransaction = (
    client: pg.PoolClient,
    sent: Array<Promise<unknown>>,
    noted: object[],
  ): Queryable => ({
    ...wrap(client),
    async send(sql: string, params?: unknown[], options?: { name?: string }) {
      const answer = run(client, sql, params, options);
      answer.catch(() => {}); // examined at COMMIT
      sent.push(answer);
    },
    noteCommit: (note) => void noted.push(note),
  });
  const firstFailure = async (sent: Array<Promise<unknown>>) =>
    (await Promise.allSettled(sent)).find((r): r is PromiseRejectedResult => r.status === 'rejected')
      ?.reason as unknown | undefined;
  const transaction = async <T>(work: (tx: Queryable) => Promise<T>, lockId?: number): Promise<T> => {
    const client = await pool.connect();
    // The pool listens for a connection's errors only while it is idle: a server that ends a
    // connection in use (a failover, pg_terminate_backend) would crash the process. The statement
    // in flight fails with the error anyway; the broken connection is then dropped, not pooled.
    let broken = false;
    const onConnectionError = () => void (broken = true);
    client.on('error', onConnectionError);
    const sent: Array<Promise<unknown>> = [];
    const noted: object[] = [];
    // Not awaited here: BEGIN goes out with the work's first statement, in the same write.
    corkForTurn(client);
    const begun = client.query('BEGIN');
    begun.catch(() => {}); // awaited below
    try {
      if (lockId !== undefined) await client.query('SELECT pg_advisory_xact_lock($1)', [lockId]);
      const result = await work(inTransaction(client, sent, noted));
      await begun;
      // If a statement sent without waiting failed, PostgreSQL turns this COMMIT into a rollback.
      corkForTurn(client);
      const committed = client.query('COMMIT');
      const failure = await firstFailure(sent);
      await committed;
      if (failure !== undefined) throw failure;
      notes.deliver(noted);
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      // A statement sent without waiting that failed is why the ones after it did.
      throw (await firstFailure(sent)) ?? error;
    } finally {
      client.off('error', onConnectionError);
      client.release(broken);
    }
  };
  return {
    kind: 'postgres',
    location,
    ...wrap(pool),
    transaction: (work) => transaction(work),
    withLock: (lockId, work) => transaction(work, lockId),
    setCommitListener: notes.set,
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
  const notes = commitNotes();
  const wrap = (client: Pick<PGlite, 'query' | 'exec'>, noted?: object[]): Queryable => ({
    service,
    async query<T extends Row>(sql: string, params?: unknown[]) {
      return (await endWith(sqlSpan(service, sql), client.query<T>(sql, params))).rows;
    },
    async send(sql: string, params?: unknown[]) {
      await endWith(sqlSpan(service, sql), client.query(sql, params));
    },
    async exec(sql: string) {
      await client.exec(sql);
    },
    noteCommit: (note) => (noted ? void noted.push(note) : notes.deliver([note])),
  });
  // PGlite is one connection in this process: its transactions are already exclusive.
  const transaction = async <T>(work: (tx: Queryable) => Promise<T>) => {
    const noted: object[] = [];
    const result = await db.transaction((tx) => work(wrap(tx, noted)));
    notes.deliver(noted);
    return result;
  };
  return {
    kind: 'pglite',
    location: join(dir),
    ...wrap(db),
    transaction,
    withLock: (_lockId, work) => transaction(work),
    setCommitListener: notes.set,
    async ping() {
      return !db.closed;
    },
    close: () => db.close(),
  };
}
