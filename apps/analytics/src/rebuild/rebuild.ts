import { AsyncLocalStorage } from 'node:async_hooks';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '@nxg/contracts';
import { namespaceOf, type ConsumerBinding, type Database, type Queryable } from '@nxg/platform';
import type { Logger } from 'pino';
import type { AnalyticsConfig } from '../config.ts';
import type { AnalyticsDeps } from '../deps.ts';
import { Lanes } from './lanes.ts';
import { READ_MODEL_TABLES } from '../read-model-tables.ts';
import { readModelFeatures } from './read-models.ts';
import { whileReplaying } from './replaying.ts';
import { replayConsumer, type Delivered } from './stream-replay.ts';

/** Where the fresh tables are built, and where the replaced ones go for the instant of the switch. */
export const REBUILD_SCHEMA = 'analytics_rebuild';
const RETIRED_SCHEMA = 'analytics_retired';

export interface RebuildOptions {
  db: Database;
  nc: NatsConnection;
  logger: Logger;
  config: AnalyticsConfig;
  /** Members replayed in parallel (each member's events in order, in one lane). */
  lanes?: number;
  /** Events applied per transaction. */
  batchSize?: number;
  /** Rebuild even though a stream no longer holds its first messages (what aged out is lost). */
  allowPartial?: boolean;
}

export interface RebuildReport {
  /** Messages handed to read-model handlers (one event read by three consumers counts three times). */
  events: number;
  /** Of those, the ones that arrived while the rebuild ran, applied during the switch. */
  caughtUp: number;
  seconds: number;
  eventsPerSecond: number;
  /** Where the seconds went: fresh tables made, streams replayed into them, the switch. */
  phases: { prepareS: number; replayS: number; switchS: number };
}

interface Item extends Delivered {
  binding: ConsumerBinding;
}

/**
 * Rebuilds every read model from the streams' first messages into fresh tables, then switches
 * over. The read-model consumers' own handlers do the work, through a database view that runs them
 * inside the rebuild's transactions with the fresh schema first on the search path: their events go
 * to a scratch outbox and are dropped (each was announced when live first made it). Identity's
 * events are replayed first, then the rest, members in parallel lanes, each member's events in
 * stream order. The switch takes the live tables' locks (live consumers wait), applies what
 * arrived meanwhile, and swaps the tables in one transaction; the live consumers then carry on
 * against the new tables, where anything they apply again changes nothing.
 */
export async function rebuildReadModels(options: RebuildOptions): Promise<RebuildReport> {
  const { db, nc, logger } = options;
  const started = performance.now();
  const bindings = phases(options);
  await requireCompleteStreams(nc, [...new Set(bindings.flat().map((b) => b.consumer.stream))], options);
  const [{ live } = { live: 'public' }] = await db.query<{ live: string }>('SELECT current_schema() AS live');
  const liveSchema = `"${live}"`;
  await db.exec(
    [
      `DROP SCHEMA IF EXISTS ${REBUILD_SCHEMA} CASCADE`,
      `CREATE SCHEMA ${REBUILD_SCHEMA}`,
      ...[...READ_MODEL_TABLES, 'outbox'].map(
        (t) => `CREATE TABLE ${REBUILD_SCHEMA}.${t} (LIKE ${liveSchema}.${t} INCLUDING ALL)`,
      ),
    ].join(';\n'),
  );
  const prepared = performance.now();
  const inRebuild = `SET LOCAL search_path TO ${REBUILD_SCHEMA}, ${liveSchema}`;
  const run = (tx: Queryable, items: Item[]) => current.run(tx, () => whileReplaying(() => apply(items)));

  let events = 0;
  const lastSeq = new Map<string, number>();
  for (const phase of bindings) {
    const lanes = new Lanes<Item>(options.lanes ?? 4, options.batchSize ?? 1000, (batch) =>
      db.transaction(async (tx) => {
        await tx.query(inRebuild);
        await run(tx, batch);
      }),
    );
    for (const readers of sameMessages(phase)) {
      const [{ consumer, event }] = readers as [ConsumerBinding];
      const last = await replayConsumer(nc, consumer, event, 1, async (delivered) => {
        events += readers.length;
        const member = memberOf(delivered.envelope);
        for (const binding of readers) await lanes.add(member, { ...delivered, binding });
      });
      for (const binding of readers) lastSeq.set(binding.consumer.durable, last);
    }
    await lanes.drain();
  }
  logger.info({ events }, 'read models rebuilt; switching over');
  const replayed = performance.now();

  let caughtUp = 0;
  await withDeadlockRetry(() =>
    db.transaction(async (tx) => {
      caughtUp = 0;
      await tx.query(
        `LOCK TABLE ${READ_MODEL_TABLES.map((t) => `${liveSchema}.${t}`).join(', ')} IN ACCESS EXCLUSIVE MODE`,
      );
      await tx.query(inRebuild);
      for (const binding of bindings.flat()) {
        const from = (lastSeq.get(binding.consumer.durable) ?? 0) + 1;
        await replayConsumer(nc, binding.consumer, binding.event, from, async ({ envelope, msg }) => {
          caughtUp += 1;
          await run(tx, [{ envelope, msg, binding }]);
        });
      }
      await tx.exec(
        [
          `DROP SCHEMA IF EXISTS ${RETIRED_SCHEMA} CASCADE`,
          `CREATE SCHEMA ${RETIRED_SCHEMA}`,
          ...READ_MODEL_TABLES.flatMap((t) => [
            `ALTER TABLE ${liveSchema}.${t} SET SCHEMA ${RETIRED_SCHEMA}`,
            `ALTER TABLE ${REBUILD_SCHEMA}.${t} SET SCHEMA ${liveSchema}`,
          ]),
          `DROP SCHEMA ${RETIRED_SCHEMA} CASCADE`,
          `DROP SCHEMA ${REBUILD_SCHEMA} CASCADE`,
        ].join(';\n'),
      );
    }),
  );
  const ended = performance.now();
  const seconds = (ended - started) / 1000;
  const round = (ms: number) => Math.round(ms / 10) / 100;
  const report = {
    events: events + caughtUp,
    caughtUp,
    seconds: Math.round(seconds * 100) / 100,
    eventsPerSecond: Math.round((events + caughtUp) / seconds),
    phases: {
      prepareS: round(prepared - started),
      replayS: round(replayed - prepared),
      switchS: round(ended - replayed),
    },
  };
  logger.info(report, 'read models switched over');
  return report;
}

/**
 * Hands items to their consumers' handlers, each consumer's in order: a batch consumer gets all of
 * its items at once, as live would, the others one by one. The consumers of a phase write read
 * models of their own (identity's, which the others read, are rebuilt in the phase before), so
 * one consumer's items need not wait for another's.
 */
async function apply(items: Item[]): Promise<void> {
  const byConsumer = new Map<ConsumerBinding, Item[]>();
  for (const item of items) {
    const own = byConsumer.get(item.binding);
    if (own) own.push(item);
    else byConsumer.set(item.binding, [item]);
  }
  for (const [binding, own] of byConsumer) {
    if (binding.batch) await binding.batch.handle(own.map((item) => item.envelope));
    else for (const item of own) await binding.handle(item.envelope, item.msg);
  }
}

/** The consumers grouped by the messages they read (a stream's subject, one event): read once per group. */
function sameMessages(bindings: ConsumerBinding[]): ConsumerBinding[][] {
  const groups = new Map<string, ConsumerBinding[]>();
  for (const binding of bindings) {
    const key = `${binding.consumer.stream} ${binding.consumer.filterSubject} ${binding.event.type}`;
    groups.set(key, [...(groups.get(key) ?? []), binding]);
  }
  return [...groups.values()];
}

/** The transaction a rebuild handler runs in: its batch's, or the switch's. */
const current = new AsyncLocalStorage<Queryable>();

function bound(): Queryable {
  const tx = current.getStore();
  if (!tx) throw new Error('a rebuild handler ran outside its batch');
  return tx;
}

/**
 * The database as the replayed handlers see it: every statement, and every transaction they open
 * (a member's), runs in the rebuild's current transaction.
 */
function replayDatabase(db: Database): Database {
  return {
    service: db.service,
    kind: db.kind,
    location: db.location,
    query: (sql, params, options) => bound().query(sql, params, options),
    send: (sql, params, options) => bound().send(sql, params, options),
    exec: (sql) => bound().exec(sql),
    noteCommit: (note) => bound().noteCommit(note),
    setCommitListener: (listener) => db.setCommitListener(listener),
    transaction: (work) => work(bound()),
    withLock: (_lock, work) => work(bound()),
    ping: () => db.ping(),
    close: async () => {},
  };
}

/** The read-model consumers' bindings on the replay database: identity's first, then the others. */
function phases(options: RebuildOptions) {
  const deps: AnalyticsDeps = {
    config: options.config,
    db: replayDatabase(options.db),
    nc: options.nc,
    logger: options.logger,
  };
  const all = readModelFeatures.flatMap((f) => f.consumers?.(deps) ?? []);
  return [
    all.filter((b) => b.consumer.stream === 'IDENTITY'),
    all.filter((b) => b.consumer.stream !== 'IDENTITY'),
  ];
}

/** The member an event is about, which picks its lane. */
const memberOf = (envelope: EventEnvelope) =>
  (envelope.data as { userId?: string }).userId ?? envelope.subject;

/** A rebuild is only equal to live if the streams still hold everything live ever read. */
async function requireCompleteStreams(nc: NatsConnection, names: string[], options: RebuildOptions) {
  const jsm = await jetstreamManager(nc);
  for (const name of names) {
    const { state } = await jsm.streams.info(namespaceOf(nc).stream(name));
    if (state.first_seq > 1 && !options.allowPartial) {
      throw new Error(
        `stream ${name} no longer holds its first ${state.first_seq - 1} messages (retention): a rebuild would ` +
          'lose what they built. Pass --allow-partial to rebuild from what it holds.',
      );
    }
  }
}

/** The switch may deadlock with a live consumer's transaction; PostgreSQL aborts one, we try again. */
async function withDeadlockRetry<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if ((error as { code?: string }).code !== '40P01' || attempt >= attempts) throw error;
    }
  }
}
