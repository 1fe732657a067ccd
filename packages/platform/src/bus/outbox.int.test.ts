import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import { defineEvent, type EventEnvelope } from '@nxg/contracts';
import pino from 'pino';
import Type from 'typebox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { platformMigrations } from '../paths.ts';
import { startTelemetry } from '../telemetry.ts';
import {
  openTestDatabase,
  signedAs,
  silentLogger,
  testBackends,
  type TestDatabase,
  uniqueSuffix,
} from '../test-support.ts';
import { enqueueEvent, startOutboxRelay, type OutboxRelay, type RelayOptions } from './outbox.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 10_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
};

const sfx = uniqueSuffix();
const prefix = `outboxtest${sfx}`;
const streamName = `OUTBOXTEST_${sfx}`;
/** Subjects no stream covers until a test creates ORPHANS_${sfx} for them. */
const orphanPrefix = `outboxorphans${sfx}`;
const orphanStream = `OUTBOXORPHANS_${sfx}`;
const widgetCreated = defineEvent({
  type: `${prefix}.widget.created`,
  stream: streamName,
  dataVersion: 1,
  description: 'A widget was made (test event)',
  data: Type.Object({ widgetId: Type.String(), n: Type.Integer() }, { additionalProperties: false }),
});
const backend = testBackends.databaseUrl ? 'PostgreSQL' : 'PGlite';

describe(`transactional outbox (${backend} + JetStream)`, () => {
  let test: TestDatabase;
  let db: Database;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let subjectNo = 0;
  const relays: OutboxRelay[] = [];
  const connections: NatsConnection[] = [];

  /** Each test publishes on a subject of its own, so counts never mix. */
  const nextSubject = () => `${prefix}.case${++subjectNo}.widget`;
  const countOn = async (subject: string) =>
    (await jsm.streams.info(streamName, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;
  const messagesOn = async (subject: string) => {
    const { state } = await jsm.streams.info(streamName);
    const found = [];
    for (let seq = state.first_seq; seq <= state.last_seq; seq++) {
      const msg = await jsm.streams.getMessage(streamName, { seq });
      if (msg?.subject === subject) found.push(msg);
    }
    return found;
  };
  const pending = async () =>
    (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))[0]!.n;
  const enqueue = (subject: string, count: number, on: Database = db) =>
    on.transaction(async (tx) => {
      const events = [];
      for (let n = 0; n < count; n++) {
        events.push(
          await enqueueEvent(tx, {
            event: widgetCreated,
            subject: `user-${n}`,
            data: { widgetId: `w${n}`, n },
            natsSubject: subject,
          }),
        );
      }
      return events;
    });
  const relay = async (
    on: Database = db,
    options: Partial<
      Pick<RelayOptions, 'intervalMs' | 'batchSize' | 'retry' | 'logger' | 'sweepAfterMs'>
    > = {},
  ) => {
    const conn = signedAs(await connect({ servers: testBackends.natsUrl }), 'outbox-test');
    connections.push(conn);
    const started = startOutboxRelay({ db: on, nc: conn, logger: silentLogger, intervalMs: 20, ...options });
    relays.push(started);
    return started;
  };
  /** Every publish the relays attempt, seen on core NATS before JetStream drops duplicates. */
  const watchPublishes = async (subject: string) => {
    const ids: string[] = [];
    const sub = nc.subscribe(subject, {
      callback: (_error, msg) => {
        ids.push(msg.headers?.get('Nats-Msg-Id') ?? '');
      },
    });
    await nc.flush();
    return { ids, stop: () => sub.unsubscribe() };
  };

  beforeAll(async () => {
    startTelemetry('outbox-test', {});
    nc = await connect({ servers: testBackends.natsUrl });
    jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: streamName, subjects: [`${prefix}.>`], duplicate_window: nanos(60_000) });
    test = await openTestDatabase();
    db = test.db;
    await migrate(db, [platformMigrations]);
  });

  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(connections.splice(0).map((c) => c.drain()));
  });

  afterAll(async () => {
    await jsm?.streams.delete(streamName).catch(() => false);
    await jsm?.streams.delete(orphanStream).catch(() => false);
    await nc?.drain();
    await test?.dispose();
  });

  it('publishes nothing for a transaction that rolls back', async () => {
    const subject = nextSubject();
    await expect(
      db.transaction(async (tx) => {
        await enqueueEvent(tx, {
          event: widgetCreated,
          subject: 'user-1',
          data: { widgetId: 'w1', n: 1 },
          natsSubject: subject,
        });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const r = await relay();
    expect(await r.flush()).toBe(0);
    expect(await pending()).toBe(0);
    expect(await countOn(subject)).toBe(0);
  });

  it('refuses an event whose data breaks its schema, so nothing is written', async () => {
    await expect(
      db.transaction((tx) =>
        enqueueEvent(tx, {
          event: widgetCreated,
          subject: 'user-1',
          data: { widgetId: 7 } as never,
        }),
      ),
    ).rejects.toThrow(/does not match its schema/);
    expect(await db.query('SELECT id FROM outbox')).toEqual([]);
  });

  it('publishes committed events once each, with Nats-Msg-Id = event id and the trace of the change', async () => {
    const subject = nextSubject();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const events = await context.with(propagation.extract(ROOT_CONTEXT, { traceparent }), () =>
      enqueue(subject, 3),
    );
    expect(await pending()).toBe(3);

    const r = await relay(db, { intervalMs: 60_000 });
    await until('the relay to publish', async () => (await pending()) === 0);
    expect(await r.flush()).toBe(0);

    const stored = await messagesOn(subject);
    expect(stored.map((m) => m.header.get('Nats-Msg-Id'))).toEqual(events.map((e) => e.id));
    expect(stored.map((m) => m.json<EventEnvelope>())).toEqual(events);
    expect(stored[0]!.header.get('traceparent')).toBe(traceparent);
    expect(events[0]).toMatchObject({
      type: widgetCreated.type,
      source: 'platform-test', // the service that owns the database,
      dataVersion: 1,
      subject: 'user-0',
    });
    expect(events[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/);
  });

  it('publishes on the event type when no NATS subject is given', async () => {
    const [event] = await db.transaction(async (tx) => [
      await enqueueEvent(tx, {
        event: widgetCreated,
        subject: 'user-9',
        data: { widgetId: 'w9', n: 9 },
      }),
    ]);
    const r = await relay();
    await r.flush();
    const stored = await messagesOn(widgetCreated.type);
    expect(stored.map((m) => m.header.get('Nats-Msg-Id'))).toContain(event!.id);
  });

  it('publishes events enqueued while no relay ran once a relay starts', async () => {
    const subject = nextSubject();
    await enqueue(subject, 5);
    await sleep(100);
    expect(await countOn(subject)).toBe(0);
    await relay();
    await until('5 events on the stream', async () => (await countOn(subject)) === 5);
    // The relay deletes its rows in the transaction that read them, which commits after the publish.
    await until(
      'the published rows deleted',
      async () => (await db.query('SELECT id FROM outbox')).length === 0,
    );
  });

  it("publishes a commit's events as it commits, without waiting for a sweep, and marks them", async () => {
    const subject = nextSubject();
    const publishes = await watchPublishes(subject);
    await relay(db, { intervalMs: 60_000 });
    await sleep(100); // its first sweep is over; the next is a minute away
    const events = await enqueue(subject, 3);
    await until('the committed events', async () => (await countOn(subject)) === 3, 3_000);
    await until('the rows marked published', async () => (await pending()) === 0, 3_000);
    publishes.stop();
    expect(publishes.ids.sort()).toEqual(events.map((e) => e.id).sort());
  });

  // PGlite is one handle in one process: there is no other process to leave events behind.
  it.skipIf(backend === 'PGlite')(
    'sweeps up what another process committed but did not publish, once it is no longer young',
    async () => {
      const subject = nextSubject();
      const other = await test.another(); // a process whose relay stopped before it could publish
      await relay(db, { intervalMs: 50, sweepAfterMs: 300 });
      await sleep(100);
      const started = Date.now();
      await enqueue(subject, 2, other);
      await until('the left events', async () => (await countOn(subject)) === 2, 5_000);
      expect(Date.now() - started).toBeGreaterThanOrEqual(300);
      await until('the rows marked published', async () => (await pending()) === 0);
    },
  );

  it('publishes each of 300 events exactly once with two relays on the same database', async () => {
    const subject = nextSubject();
    const other = await test.another();
    const publishes = await watchPublishes(subject);
    const events = [...(await enqueue(subject, 150)), ...(await enqueue(subject, 150, other))];
    await Promise.all([relay(db, { batchSize: 20 }), relay(other, { batchSize: 20 })]);
    await until('300 events on the stream', async () => (await countOn(subject)) >= 300, 20_000);
    await until('the outbox to empty', async () => (await pending()) === 0);
    await sleep(200);
    publishes.stop();

    expect(await countOn(subject)).toBe(300);
    // Not one publish attempt was repeated: the relays never took the same row.
    expect(publishes.ids).toHaveLength(300);
    expect(new Set(publishes.ids)).toEqual(new Set(events.map((e) => e.id)));
  });

  it('lands an event once when a relay publishes it again within the duplicate window', async () => {
    const subject = nextSubject();
    const [event] = await enqueue(subject, 1);
    const r = await relay(db, { intervalMs: 60_000 });
    await until('the first publish', async () => (await countOn(subject)) === 1);
    await until(
      'the published row deleted',
      async () => (await db.query('SELECT id FROM outbox')).length === 0,
    );
    // A relay that died after publishing but before deleting the row publishes it again.
    await db.query('INSERT INTO outbox (id, subject, payload) VALUES ($1, $2, $3)', [
      event!.id,
      subject,
      JSON.stringify(event),
    ]);
    expect(await r.flush()).toBe(1);
    expect(await countOn(subject)).toBe(1);

    const js = jetstream(nc);
    const again = await js.publish(subject, JSON.stringify(event), { msgID: event!.id });
    expect(again.duplicate).toBe(true);
    expect(await countOn(subject)).toBe(1);
  });

  it('publishes the rest of a batch past an event with no stream, and that one once its stream appears', async () => {
    const subject = nextSubject();
    const orphanSubject = `${orphanPrefix}.widget`;
    const [orphan] = await enqueue(orphanSubject, 1);
    const others = await enqueue(subject, 3);
    const publishes = await watchPublishes(subject);
    const warnings: Array<{ eventId?: string; msg: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(JSON.parse(line)) });

    // One batch: the orphan first, the three others behind it.
    await relay(db, { intervalMs: 20, retry: { firstMs: 50, maxMs: 100 }, logger });
    await until('the three others published and marked', async () => (await pending()) === 1);
    const attemptsOf = async () =>
      (
        await db.query<{ attempts: number; last_error: string | null; published_at: Date | null }>(
          'SELECT attempts, last_error, published_at FROM outbox WHERE id = $1',
          [orphan!.id],
        )
      )[0]!;
    await until('the orphan tried again', async () => (await attemptsOf()).attempts >= 3);
    const waiting = await attemptsOf();
    expect(waiting.published_at).toBeNull();
    expect(waiting.last_error).toMatch(/jetstream|stream|responders/i);
    publishes.stop();
    expect(await countOn(subject)).toBe(3);
    // Each of the others was published once, not once per pass behind the orphan.
    expect(publishes.ids.sort()).toEqual(others.map((e) => e.id).sort());
    // Logged once for the event, not once per attempt.
    expect(warnings.filter((w) => w.eventId === orphan!.id)).toHaveLength(1);

    await jsm.streams.add({ name: orphanStream, subjects: [`${orphanPrefix}.>`] });
    await until('the orphan on its new stream', async () => (await pending()) === 0, 5_000);
    const stored = await jsm.streams.getMessage(orphanStream, { seq: 1 });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(orphan!.id);
    expect(stored?.json<EventEnvelope>()).toEqual(orphan);
  });
});
