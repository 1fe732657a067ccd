import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { platformMigrations } from '../paths.ts';
import { openTestDatabase, tempDir, testBackends, uniqueSuffix, type TestDatabase } from '../test-support.ts';
import type { Database } from './database.ts';
import { migrate, type MigrationSource } from './migrate.ts';

const backend = testBackends.databaseUrl ? 'PostgreSQL' : 'PGlite';

describe(`migrate (${backend})`, () => {
  const dirs: string[] = [];
  const opened: TestDatabase[] = [];
  let shared: TestDatabase;

  /** A migration folder of its own (scope and table names unique), starting with two files. */
  const newSource = async () => {
    const dir = await tempDir('nxg-migrations-');
    dirs.push(dir);
    const table = `widgets_${uniqueSuffix()}`;
    const source: MigrationSource = { scope: `svc_${uniqueSuffix()}`, dir };
    const write = (file: string, sql: string) => writeFile(join(dir, file), sql);
    await write('0001_widgets.sql', `CREATE TABLE ${table} (id serial PRIMARY KEY, name text NOT NULL);`);
    await write('0002_seed.sql', `INSERT INTO ${table} (name) VALUES ('first');`);
    await write('README.md', 'not a migration');
    const names = (...files: string[]) => files.map((f) => `${source.scope}/${f}`);
    return { source, table, write, names };
  };
  const recorded = async (db: Database, scope: string) =>
    (
      await db.query<{ name: string }>(
        'SELECT name FROM schema_migrations WHERE name LIKE $1 ORDER BY name',
        [`${scope}/%`],
      )
    ).map((r) => r.name);
  const count = async (db: Database, table: string) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;

  beforeAll(async () => {
    shared = await openTestDatabase();
    opened.push(shared);
  });
  afterAll(async () => {
    for (const test of opened) await test.dispose();
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  it('applies each file in name order and records it under its scope', async () => {
    const { source, table, write, names } = await newSource();
    await write('0003_more.sql', `INSERT INTO ${table} (name) VALUES ('second');`);
    const applied = await migrate(shared.db, [platformMigrations, source]);
    const platformFiles = ['platform/0001_outbox.sql', 'platform/0002_outbox_retry.sql'];
    expect(applied).toEqual([
      ...platformFiles,
      ...names('0001_widgets.sql', '0002_seed.sql', '0003_more.sql'),
    ]);
    expect(await recorded(shared.db, source.scope)).toEqual(applied.slice(platformFiles.length));
    expect(await recorded(shared.db, 'platform')).toEqual(platformFiles);
    expect(await shared.db.query(`SELECT name FROM ${table} ORDER BY id`)).toEqual([
      { name: 'first' },
      { name: 'second' },
    ]);
    // The platform's own table is there for the outbox.
    expect(await count(shared.db, 'outbox')).toBe(0);
  });

  it('is idempotent and applies only what is new on the next start', async () => {
    const { source, table, write, names } = await newSource();
    await migrate(shared.db, [platformMigrations, source]);
    expect(await migrate(shared.db, [platformMigrations, source])).toEqual([]);
    expect(await count(shared.db, table)).toBe(1);

    await write('0003_more.sql', `INSERT INTO ${table} (name) VALUES ('second');`);
    expect(await migrate(shared.db, [platformMigrations, source])).toEqual(names('0003_more.sql'));
    expect(await count(shared.db, table)).toBe(2);
  });

  it('stops at a failing file, keeps what came before, and retries the failed one next time', async () => {
    const { source, table, write, names } = await newSource();
    await write(
      '0003_broken.sql',
      `INSERT INTO ${table} (name) VALUES ('half'); INSERT INTO ${table} (nope) VALUES (1);`,
    );
    await expect(migrate(shared.db, [source])).rejects.toThrow(/nope/);
    expect(await recorded(shared.db, source.scope)).toEqual(names('0001_widgets.sql', '0002_seed.sql'));
    // The failing file ran in its own transaction: its first statement was rolled back too.
    expect(await shared.db.query(`SELECT name FROM ${table}`)).toEqual([{ name: 'first' }]);

    await write('0003_broken.sql', `INSERT INTO ${table} (name) VALUES ('fixed');`);
    expect(await migrate(shared.db, [source])).toEqual(names('0003_broken.sql'));
    expect(await count(shared.db, table)).toBe(2);
  });

  it('applies each file exactly once when replicas migrate a fresh database at the same moment', async () => {
    const fresh = await openTestDatabase();
    opened.push(fresh);
    const { source, table, names } = await newSource();
    const handles = [fresh.db, await fresh.another(), await fresh.another(), await fresh.another()];
    const results = await Promise.all(handles.map((db) => migrate(db, [platformMigrations, source])));
    const expected = [
      'platform/0001_outbox.sql',
      'platform/0002_outbox_retry.sql',
      ...names('0001_widgets.sql', '0002_seed.sql'),
    ].sort();
    expect(results.flat().sort()).toEqual(expected);
    expect(
      [...(await recorded(fresh.db, 'platform')), ...(await recorded(fresh.db, source.scope))].sort(),
    ).toEqual(expected);
    expect(await count(fresh.db, table)).toBe(1);
  });
});
