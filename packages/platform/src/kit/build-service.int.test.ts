import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { defineEvent, defineOperation, type ConsumerDefinition, type StreamDefinition } from '@nxg/contracts';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inNamespace, namespace } from '../bus/namespace.ts';
import { enqueueEvent, type OutboxRelay } from '../bus/outbox.ts';
import type { Database } from '../db/database.ts';
import { bind, callOperation } from '../bus/rpc.ts';
import { provisionMessaging } from '../bus/streams.ts';
import { BaseConfig, ConfigError } from '../config.ts';
import {
  dropDatabase,
  signedAs,
  silentLogger,
  tempDir,
  testBackends,
  testServiceKey,
  uniqueSuffix,
} from '../test-support.ts';
import { buildService, loadServiceConfig } from './build-service.ts';
import { consume, defineFeature, defineService } from './define-service.ts';

const sfx = uniqueSuffix();
const ns = namespace(`kit${sfx}`);
const stream: StreamDefinition = {
  name: 'KITDEMO',
  subjects: ['kitdemo.>'],
  owner: 'kit-demo',
  maxAgeDays: 1,
  duplicateWindowS: 60,
};
const noteAdded = defineEvent({
  type: 'kitdemo.note.added',
  stream: 'KITDEMO',
  dataVersion: 1,
  description: 'a note was added (test)',
  data: Type.Object({ noteId: Type.Integer(), text: Type.String() }),
});
const consumer: ConsumerDefinition = {
  stream: 'KITDEMO',
  durable: 'kit_demo_note_added',
  filterSubject: noteAdded.type,
  ackWaitS: 10,
  maxDeliver: 5,
  deliverPolicy: 'all',
};
const addNote = defineOperation('kit-demo', 'notes.add', {
  summary: 'add a note',
  http: { method: 'POST', path: '/notes', status: 201 },
  access: ['member'],
  body: Type.Object({ text: Type.String(), slowMs: Type.Optional(Type.Integer()) }),
  output: Type.Object({ noteId: Type.Integer() }),
});
const ctx = { requestId: 'kit-test-0001', userId: 'u1', roles: ['member'], branchRoles: {} };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A small service declared on the kit: one feature with an operation, a consumer and a job. */
function demoService(migrations: string, jobRuns: number[]) {
  return defineService({
    name: 'kit-demo',
    config: { ...BaseConfig, KIT_DEMO_PORT: Type.Integer({ default: 0 }) },
    port: 'KIT_DEMO_PORT',
    migrations,
    context: (kit) => kit,
    features: [
      defineFeature<{ db: Database; outbox: OutboxRelay }>({
        name: 'notes',
        operations: ({ db }) => [
          bind(addNote, async ({ text, slowMs }) => {
            if (slowMs) await sleep(slowMs);
            const noteId = await db.transaction(async (tx) => {
              const [row] = await tx.query<{ id: number }>(
                'INSERT INTO notes (text) VALUES ($1) RETURNING id',
                [text],
              );
              await enqueueEvent(tx, { event: noteAdded, subject: 'u1', data: { noteId: row!.id, text } });
              return row!.id;
            });
            return { noteId };
          }),
        ],
        consumers: ({ db }) => [
          consume(consumer, noteAdded, async ({ data, source }) => {
            await db.query('INSERT INTO seen (note_id, source) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
              data.noteId,
              source,
            ]);
          }),
        ],
        jobs: () => [{ name: 'tick', everyMs: 50, run: async () => void jobRuns.push(Date.now()) }],
      }),
    ],
  });
}

describe('a service declared with defineService', () => {
  let nc: NatsConnection;
  let migrations: string;

  beforeAll(async () => {
    // The gateway's side of the bus: it may send a member's context.
    nc = signedAs(inNamespace(await connect({ servers: testBackends.natsUrl }), ns), 'gateway');
    await provisionMessaging(nc, { streams: [stream], consumers: [consumer], buckets: [] });
    migrations = join(await tempDir('kit-migrations-'), 'sql');
    await mkdir(migrations);
    await writeFile(
      join(migrations, '0001_notes.sql'),
      'CREATE TABLE notes (id serial PRIMARY KEY, text text NOT NULL); CREATE TABLE seen (note_id int PRIMARY KEY, source text NOT NULL);',
    );
  });
  afterAll(async () => {
    await nc?.drain();
    if (testBackends.databaseUrl) await dropDatabase(testBackends.databaseUrl, `nxg_kit_demo_${sfx}`);
  });

  it('serves its operations, relays its events to its consumers with its name as source, runs its jobs, and stops in order', async () => {
    const jobRuns: number[] = [];
    const definition = demoService(migrations, jobRuns);
    const config = loadServiceConfig(definition, {
      NATS_URL: testBackends.natsUrl,
      NATS_PREFIX: ns.prefix,
      SERVICE_KEY: testServiceKey.toString('hex'),
      DATA_DIR: await tempDir('kit-data-'),
      ...(testBackends.databaseUrl
        ? { DATABASE_URL: testBackends.databaseUrl, DATABASE_NAME: `nxg_kit_demo_${sfx}` }
        : {}),
    });
    const app = buildService(definition, config, silentLogger);
    await app.ready();
    expect((await app.inject('/health/ready')).statusCode).toBe(200);

    const { noteId } = await callOperation(nc, addNote, { text: 'first' }, ctx, { timeoutMs: 5000 });
    let seen: { source: string }[] = [];
    for (let i = 0; i < 100 && seen.length === 0; i++) {
      seen = await app.kit.db.query<{ source: string }>('SELECT source FROM seen WHERE note_id = $1', [
        noteId,
      ]);
      if (seen.length === 0) await sleep(50);
    }
    expect(seen).toEqual([{ source: 'kit-demo' }]);
    // The job runs on its interval: give it the time for a second run (the event path above may be quicker).
    for (let i = 0; i < 100 && jobRuns.length < 2; i++) await sleep(20);
    expect(jobRuns.length).toBeGreaterThanOrEqual(2);

    // A request in flight when the stop begins is still answered; then nothing more runs.
    const slow = callOperation(nc, addNote, { text: 'slow', slowMs: 300 }, ctx, { timeoutMs: 5000 });
    await sleep(50);
    await app.close();
    await expect(slow).resolves.toMatchObject({ noteId: expect.any(Number) });
    const runsAtStop = jobRuns.length;
    await sleep(200);
    expect(jobRuns.length).toBe(runsAtStop);
    await expect(callOperation(nc, addNote, { text: 'late' }, ctx, { timeoutMs: 500 })).rejects.toMatchObject(
      {
        code: 'SERVICE_UNAVAILABLE',
      },
    );
  });

  it('refuses a configuration the schema rejects, naming the variable', () => {
    expect(() => loadServiceConfig(demoService(migrations, []), { LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });

  it('refuses to start in production without a SERVICE_KEY, or with one too short', () => {
    const definition = demoService(migrations, []);
    expect(() => loadServiceConfig(definition, { NODE_ENV: 'production' })).toThrow(ConfigError);
    expect(() => loadServiceConfig(definition, { NODE_ENV: 'production' })).toThrow(/SERVICE_KEY/);
    expect(() => loadServiceConfig(definition, { SERVICE_KEY: 'c2hvcnQ=' })).toThrow(/SERVICE_KEY/);
    const key = testServiceKey.toString('base64');
    expect(loadServiceConfig(definition, { NODE_ENV: 'production', SERVICE_KEY: key }).SERVICE_KEY).toBe(key);
  });
});
