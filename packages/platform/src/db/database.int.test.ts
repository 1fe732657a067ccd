import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  dropDatabase,
  openTestDatabase,
  tempDir,
  testBackends,
  uniqueSuffix,
  type TestDatabase,
} from '../test-support.ts';
import { openDatabase, type Database } from './database.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const { databaseUrl } = testBackends;

describe('openDatabase on embedded PGlite', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await tempDir('nxg-pglite-');
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  // Two cold PGlite starts (WebAssembly PostgreSQL): seconds each, more when files run in parallel.
  it('keeps its data under <dataDir>/<service> across restarts', { timeout: 120_000 }, async () => {
    const first = await openDatabase({ service: 'pets', dataDir });
    expect(first.kind).toBe('pglite');
    expect(first.location).toBe(join(dataDir, 'pets'));
    await first.exec('CREATE TABLE pets (name text PRIMARY KEY); INSERT INTO pets VALUES ($$rex$$)');
    expect(await first.ping()).toBe(true);
    await first.close();
    expect(await first.ping()).toBe(false);

    const second = await openDatabase({ service: 'pets', dataDir });
    try {
      expect(await second.query('SELECT name FROM pets')).toEqual([{ name: 'rex' }]);
      // Parameters, and a transaction that fails leaves nothing behind.
      await expect(
        second.transaction(async (tx) => {
          await tx.query('INSERT INTO pets VALUES ($1)', ['tom']);
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect(await second.query<{ n: number }>('SELECT count(*)::int AS n FROM pets')).toEqual([{ n: 1 }]);
    } finally {
      await second.close();
    }
  });
});

describe.skipIf(!databaseUrl)('openDatabase on PostgreSQL', () => {
  const serverUrl = databaseUrl ?? '';
  const created: string[] = [];
  const exists = async (name: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    try {
      return (await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1;
    } finally {
      await client.end();
    }
  };
  afterAll(async () => {
    for (const name of created) await dropDatabase(serverUrl, name);
  });

  it('creates the service database when it is absent, named after the service by default', async () => {
    const service = `platform-test-${uniqueSuffix()}`;
    const name = `nxg_${service.replaceAll('-', '_')}`;
    created.push(name);
    expect(await exists(name)).toBe(false);
    const db = await openDatabase({ service, url: serverUrl, dataDir: '.data-unused' });
    try {
      expect(db.kind).toBe('postgres');
      expect(await exists(name)).toBe(true);
      expect(await db.query('SELECT current_database() AS name')).toEqual([{ name }]);
      expect(await db.ping()).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('never shows credentials in its location', async () => {
    const name = `nxg_test_${uniqueSuffix()}`;
    created.push(name);
    const url = new URL(serverUrl);
    url.username = url.username || 'postgres';
    const db = await openDatabase({ service: 'x', url: url.toString(), name, dataDir: '.data-unused' });
    try {
      expect(db.location).toBe(`postgres://${url.host}/${name}`);
      expect(db.location).not.toContain('@');
    } finally {
      await db.close();
    }
  });

  it('lets replicas starting together open the same new database', async () => {
    const name = `nxg_test_${uniqueSuffix()}`;
    created.push(name);
    const opened = await Promise.all(
      Array.from({ length: 4 }, () =>
        openDatabase({ service: 'x', url: serverUrl, name, dataDir: '.data-unused' }),
      ),
    );
    try {
      for (const db of opened)
        expect(await db.query('SELECT current_database() AS name')).toEqual([{ name }]);
    } finally {
      await Promise.all(opened.map((db) => db.close()));
    }
  });

  it('keeps an existing database and its data', async () => {
    const name = `nxg_test_${uniqueSuffix()}`;
    created.push(name);
    const first = await openDatabase({ service: 'x', url: serverUrl, name, dataDir: '.data-unused' });
    await first.exec('CREATE TABLE kept (id int); INSERT INTO kept VALUES (7)');
    await first.close();
    const second = await openDatabase({ service: 'x', url: serverUrl, name, dataDir: '.data-unused' });
    try {
      expect(await second.query('SELECT id FROM kept')).toEqual([{ id: 7 }]);
    } finally {
      await second.close();
    }
  });
  it('fails the transaction whose connection the server ends, not the process, and goes on', async () => {
    const name = `nxg_test_${uniqueSuffix()}`;
    created.push(name);
    const db = await openDatabase({ service: 'x', url: serverUrl, name, dataDir: '.data-unused' });
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    try {
      // An error nobody listens for would end this test process (uncaught) before any assertion.
      const cut = db.transaction(async (tx) => {
        const [own] = await tx.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        await admin.query('SELECT pg_terminate_backend($1)', [own!.pid]);
        await sleep(100); // the server's goodbye arrives while the transaction is still open
        await tx.query('SELECT 1');
      });
      await expect(cut).rejects.toThrow();
      // The broken connection was dropped, not handed out again.
      for (let i = 0; i < 5; i++) {
        expect(await db.transaction((tx) => tx.query('SELECT 1 AS one'))).toEqual([{ one: 1 }]);
      }
    } finally {
      await admin.end();
      await db.close();
    }
  });
});

describe(`transactions and locks (${databaseUrl ? 'PostgreSQL' : 'PGlite'})`, () => {
  let test: TestDatabase;
  let db: Database;
  beforeAll(async () => {
    test = await openTestDatabase();
    db = test.db;
    await db.exec('CREATE TABLE accounts (id int PRIMARY KEY, balance int NOT NULL)');
  });
  afterAll(async () => {
    await test?.dispose();
  });

  it('commits a transaction as a whole, and rolls it back as a whole', async () => {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO accounts VALUES ($1, $2)', [1, 100]);
      await tx.query('INSERT INTO accounts VALUES ($1, $2)', [2, 0]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('UPDATE accounts SET balance = balance - 50 WHERE id = 1');
        await tx.query('INSERT INTO accounts VALUES ($1, $2)', [2, 50]); // duplicate key
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT id, balance FROM accounts ORDER BY id')).toEqual([
      { id: 1, balance: 100 },
      { id: 2, balance: 0 },
    ]);
  });

  it('commits what a transaction sent without waiting, and fails the whole of it when that failed', async () => {
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO accounts VALUES ($1, $2)', [10, 10]);
      await tx.send('INSERT INTO accounts VALUES ($1, $2)', [11, 11]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO accounts VALUES ($1, $2)', [12, 12]);
        await tx.send('INSERT INTO accounts VALUES ($1, $2)', [10, 99]); // duplicate key
      }),
    ).rejects.toMatchObject({ code: '23505' });
    // The error is the failed statement's, not that of a statement after it.
    await expect(
      db.transaction(async (tx) => {
        await tx.send('INSERT INTO accounts VALUES ($1, $2)', [10, 99]); // duplicate key
        await tx.query('INSERT INTO accounts VALUES ($1, $2)', [13, 13]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await db.query('SELECT id, balance FROM accounts WHERE id >= 10 ORDER BY id')).toEqual([
      { id: 10, balance: 10 },
      { id: 11, balance: 11 },
    ]);
  });

  it('runs work under the same lock one holder at a time, even from separate pools', async () => {
    const other = await test.another();
    const spans: { start: number; end: number }[] = [];
    const hold = (handle: Database) =>
      handle.withLock(91_000_001, async (tx) => {
        const start = performance.now();
        await tx.query('SELECT 1');
        await sleep(150);
        spans.push({ start, end: performance.now() });
      });
    await Promise.all([hold(db), hold(other), hold(db), hold(other)]);
    spans.sort((a, b) => a.start - b.start);
    expect(spans).toHaveLength(4);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('releases the lock when the work fails', async () => {
    await expect(db.withLock(91_000_002, async () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
    const other = await test.another();
    const result = await Promise.race([
      other.withLock(91_000_002, async () => 'acquired'),
      sleep(5_000).then(() => 'still locked'),
    ]);
    expect(result).toBe('acquired');
  });
});
