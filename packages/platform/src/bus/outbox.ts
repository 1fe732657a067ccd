import { jetstream } from '@nats-io/jetstream';
import {
  ClosedConnectionError,
  ConnectionError,
  DrainingConnectionError,
  headers as natsHeaders,
  TimeoutError,
  type NatsConnection,
} from '@nats-io/transport-node';
import { propagation, context, type Context } from '@opentelemetry/api';
import type { EventDefinition, EventEnvelope } from '@nxg/contracts';
import type { Static } from 'typebox';
import type { Logger } from 'pino';
import type { Database, Queryable } from '../db/database.ts';
import { uuidv7 } from '../db/row-ids.ts';
import { validatorFor } from '../validation.ts';
import { busIdentityOf } from './bus-identity.ts';
import { signEvent } from './event-signature.ts';
import { endWith, publishSpan } from './trace.ts';

export interface PendingEvent<E extends EventDefinition> {
  event: E;
  /** The user or machine the event is about. */
  subject: string;
  data: Static<E['data']>;
  /** NATS subject when it is not the event type (e.g. machines.<branch>.<machine>.status). */
  natsSubject?: string;
  /** `Nats-Msg-Id` when it is not the event id: derived from the cause (e.g. `machine:frame`). */
  msgId?: string;
  /** The trace the event continues, when not the active one (a batch writes several requests' events). */
  trace?: Context;
}

// Named: parsed and planned once per connection, as every write with an event runs one of them.
const ENQUEUE = {
  name: 'outbox.enqueue',
  text: 'INSERT INTO outbox (id, subject, payload, headers, msg_id) VALUES ($1, $2, $3, $4, $5)',
};
// The rows as one JSON document: no array of JSON texts to escape here and unescape there.
const ENQUEUE_MANY = {
  name: 'outbox.enqueue-many',
  text: `INSERT INTO outbox (id, subject, payload, headers, msg_id)
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS e(id uuid, subject text, payload jsonb, headers jsonb, msg_id text)`,
};

/** The one place an event envelope is built: checked against its schema, stamped with its source. */
export function eventEnvelope<E extends EventDefinition>(
  source: string,
  pending: PendingEvent<E>,
): EventEnvelope<Static<E['data']>> {
  if (!validatorFor(pending.event.data).Check(pending.data)) {
    throw new Error(`event ${pending.event.type} does not match its schema`);
  }
  return {
    id: uuidv7(),
    type: pending.event.type,
    source,
    time: new Date().toISOString(),
    subject: pending.subject,
    dataVersion: pending.event.dataVersion,
    data: pending.data,
  };
}

/** An outbox row as written: the envelope (the payload) and headers as JSON text, NATS subject, msg id. */
interface NewOutboxRow<D = unknown> {
  id: string;
  subject: string;
  envelope: EventEnvelope<D>;
  payload: string;
  headers: Record<string, string>;
  msg_id: string | null;
}

function outboxRow<E extends EventDefinition>(
  source: string,
  pending: PendingEvent<E>,
): NewOutboxRow<Static<E['data']>> {
  const envelope = eventEnvelope(source, pending);
  const headers: Record<string, string> = {};
  propagation.inject(pending.trace ?? context.active(), headers);
  return {
    id: envelope.id,
    subject: pending.natsSubject ?? pending.event.type,
    envelope,
    payload: JSON.stringify(envelope),
    headers,
    msg_id: pending.msgId ?? null,
  };
}

/** The events of a commit, handed to the relay (`Queryable.noteCommit`) to publish at once. */
class CommittedEvents {
  readonly rows: readonly NewOutboxRow[];
  constructor(rows: readonly NewOutboxRow[]) {
    this.rows = rows;
  }
}

/**
 * Writes an event into the outbox inside the caller's transaction: it is published if and only if
 * the change it describes commits — at once by the relay of this process, or by a relay's sweep if
 * this process stops first. Its source is the service that owns the database.
 */
export async function enqueueEvent<E extends EventDefinition>(
  tx: Queryable,
  pending: PendingEvent<E>,
): Promise<EventEnvelope<Static<E['data']>>> {
  const row = outboxRow(tx.service, pending);
  await tx.send(ENQUEUE.text, [row.id, row.subject, row.payload, JSON.stringify(row.headers), row.msg_id], {
    name: ENQUEUE.name,
  });
  tx.noteCommit(new CommittedEvents([row]));
  return row.envelope;
}

/** `enqueueEvent` for several events in one statement (a batch of writes, see createWriteBatcher). */
export async function enqueueEvents<E extends EventDefinition>(
  tx: Queryable,
  pendings: Array<PendingEvent<E>>,
): Promise<Array<EventEnvelope<Static<E['data']>>>> {
  if (pendings.length === 0) return [];
  const rows = pendings.map((pending) => outboxRow(tx.service, pending));
  // One JSON document; each envelope is already JSON text, so it is not serialised twice.
  const document = `[${rows
    .map(
      (r) =>
        `{"id":"${r.id}","subject":${JSON.stringify(r.subject)},"payload":${r.payload},` +
        `"headers":${JSON.stringify(r.headers)},"msg_id":${JSON.stringify(r.msg_id)}}`,
    )
    .join(',')}]`;
  await tx.send(ENQUEUE_MANY.text, [document], { name: ENQUEUE_MANY.name });
  tx.noteCommit(new CommittedEvents(rows));
  return rows.map(({ envelope }) => envelope);
}

export interface OutboxRelay {
  /** Relays everything pending and due, however young; resolves with the number published. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  subject: string;
  /** The envelope as stored (JSON text: published as it is, never parsed here). */
  payload: string;
  headers: Record<string, string> | null;
  msg_id: string | null;
  attempts: number;
  [key: string]: unknown;
}

export interface RelayOptions {
  db: Database;
  nc: NatsConnection;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  /** Pause before retrying an event JetStream refused: `firstMs`, doubling per attempt up to `maxMs`. */
  retry?: { firstMs: number; maxMs: number };
  /**
   * The sweep leaves rows younger than this to the process that committed them (it publishes a
   * commit's events at once); older ones were left by a process that stopped or failed to publish.
   */
  sweepAfterMs?: number;
}

/*
 * The relay's statements are planned afresh on every pass, not named (prepared): a plan cached
 * while the outbox was nearly empty stays for the connection's life as the table grows. Seen: the
 * mark-published update cached as a sequential scan (10–30 ms a pass on 40,000 rows, a third of
 * PostgreSQL's CPU on the write path), and the claim as a bitmap scan of every pending-index
 * entry, which never marks the entries of published rows dead. Planned with the table's real size,
 * they find their rows by index. Planning costs far less than either, once per pass of many events.
 */
const CLAIM = {
  text: `SELECT id, subject, payload::text AS payload, headers, msg_id, attempts FROM outbox
         WHERE published_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= now())
           AND created_at <= now() - $2::int * interval '1 millisecond'
         ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
};
/*
 * A published row is deleted, not marked: JetStream holds the event from then on. Marking it
 * (published_at) wrote a whole new version of the row, envelope and all, with an entry in its
 * primary key, and a later cleanup deleted it anyway; deleting at once took PostgreSQL's CPU per
 * logged set from ~0.10 to ~0.05 ms.
 */
const DELETE_PUBLISHED = {
  text: 'DELETE FROM outbox WHERE id = ANY($1::uuid[])',
};
const RETRY_LATER = {
  text: `UPDATE outbox AS o SET attempts = o.attempts + 1, last_error = f.error,
           next_attempt_at = now() + f.delay_ms * interval '1 millisecond'
         FROM unnest($1::uuid[], $2::text[], $3::int[]) AS f(id, error, delay_ms) WHERE o.id = f.id`,
};

/**
 * A failure of the connection rather than of one event: the event is not to blame, so it is
 * retried on the next pass without counting an attempt, and the relay backs off as a whole.
 */
const isBusFailure = (nc: NatsConnection, error: unknown) =>
  nc.isClosed() ||
  error instanceof TimeoutError ||
  error instanceof ClosedConnectionError ||
  error instanceof DrainingConnectionError ||
  error instanceof ConnectionError;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

/**
 * Publishes committed outbox rows to JetStream with `Nats-Msg-Id` = event id (or the id of its cause). Replicas share the
 * work through `FOR UPDATE SKIP LOCKED`; a relay that dies after publishing but before deleting
 * the row is covered by JetStream's duplicate window, so each event lands once. Each row of a
 * batch is published on its own: one JetStream refuses (no stream for its subject, say) gets an
 * attempt, its error and a later retry, and holds back none of the others.
 */
export function startOutboxRelay(options: RelayOptions): OutboxRelay {
  const { db, nc, logger } = options;
  const identity = busIdentityOf(nc);
  if (!identity)
    throw new Error('the outbox relay needs a connection with a bus identity (buildService gives one)');
  const js = jetstream(nc);
  const encoder = new TextEncoder();
  const intervalMs = options.intervalMs ?? 500;
  const batchSize = options.batchSize ?? 200;
  const retry = options.retry ?? { firstMs: 1000, maxMs: 60_000 };
  const sweepAfterMs = options.sweepAfterMs ?? 2_000;
  let running = true;
  let wake: (() => void) | undefined;
  let failures = 0;

  const publish = (row: OutboxRow) => {
    const { headers, span } = publishSpan(row.subject, row.id, row.headers ?? {});
    const h = natsHeaders();
    for (const [key, value] of Object.entries(headers)) h.set(key, value);
    // Signed as the service that relays it (its source), so consumers can tell it from a forgery.
    const payload = encoder.encode(row.payload);
    signEvent(identity, row.subject, payload, h);
    return endWith(span, js.publish(row.subject, payload, { msgID: row.msg_id ?? row.id, headers: h }));
  };

  /** One batch: resolves with how many rows it claimed and published, and a failure of the bus if any. */
  const relayBatch = (minAgeMs: number) =>
    db.transaction(async (tx) => {
      const rows = await tx.query<OutboxRow>(CLAIM.text, [batchSize, minAgeMs]);
      if (rows.length === 0) return { claimed: 0, published: 0, busError: undefined };
      const outcomes = await Promise.allSettled(rows.map(publish));
      const published: string[] = [];
      const refused: Array<{ row: OutboxRow; error: unknown }> = [];
      let busError: unknown;
      for (const [i, outcome] of outcomes.entries()) {
        const row = rows[i]!;
        if (outcome.status === 'fulfilled') {
          published.push(row.id);
          if (row.attempts > 0)
            logger.info(
              { eventId: row.id, subject: row.subject, attempts: row.attempts },
              'outbox event published after retries',
            );
        } else if (isBusFailure(nc, outcome.reason)) busError ??= outcome.reason;
        else refused.push({ row, error: outcome.reason });
      }
      if (published.length > 0) await tx.send(DELETE_PUBLISHED.text, [published]);
      if (refused.length > 0) {
        await tx.send(RETRY_LATER.text, [
          refused.map(({ row }) => row.id),
          refused.map(({ error }) => messageOf(error)),
          refused.map(({ row }) => Math.min(retry.firstMs * 2 ** row.attempts, retry.maxMs)),
        ]);
        // Once per event, at its first failure; its later attempts are in the row.
        for (const { row, error } of refused)
          if (row.attempts === 0)
            logger.warn(
              { err: error, eventId: row.id, subject: row.subject },
              'outbox event refused by JetStream; retrying it with backoff while the others go on',
            );
      }
      return { claimed: rows.length, published: published.length, busError };
    });

  /** Publishes a commit's events at once, then deletes their rows; what fails is left to the sweep. */
  const deletions = coalescedDeletions(db, logger);
  const inFlight = new Set<Promise<void>>();
  const publishCommitted = (rows: readonly NewOutboxRow[]) => {
    const done = Promise.allSettled(
      rows.map((row) => publish({ ...row, attempts: 0 }).then(() => row.id)),
    ).then((outcomes) => {
      deletions.add(outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : [])));
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  };
  db.setCommitListener((notes) => {
    for (const note of notes) if (note instanceof CommittedEvents) publishCommitted(note.rows);
  });

  /** Claims and publishes pending rows at least `minAgeMs` old until none is left. */
  const sweep = async (minAgeMs: number) => {
    let total = 0;
    for (;;) {
      const { claimed, published, busError } = await relayBatch(minAgeMs);
      total += published;
      // What was published is deleted; the rest waits for the bus, behind the relay's backoff.
      if (busError !== undefined) throw busError;
      if (claimed < batchSize) return total;
    }
  };

  const flush = () => sweep(0);

  const loop = (async () => {
    // The first sweep takes every pending row: none of them is this process's to publish.
    let minAgeMs = 0;
    while (running) {
      try {
        await sweep(minAgeMs);
        minAgeMs = sweepAfterMs;
        failures = 0;
      } catch (error) {
        failures += 1;
        // Logged once per outage, then quietly retried with a growing pause.
        if (failures === 1) logger.warn({ err: error }, 'outbox relay cannot publish yet; retrying');
      }
      const pause = failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, 10_000);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pause);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
  })();

  return {
    flush,
    async stop() {
      running = false;
      wake?.();
      await loop;
      db.setCommitListener(undefined);
      await Promise.allSettled([...inFlight]);
      await deletions.settled();
    },
  };
}

/**
 * Deletes published rows, one statement at a time: ids that arrive while one runs go in the next,
 * so a busy service deletes many commits' rows at once. A failed deletion leaves its rows to a
 * sweep, which publishes them again (JetStream drops the copy by its message id) and deletes them.
 */
function coalescedDeletions(db: Database, logger: Logger) {
  const waiting: string[] = [];
  let running: Promise<void> | undefined;
  const drain = async () => {
    while (waiting.length > 0) {
      const ids = waiting.splice(0);
      await db.query(DELETE_PUBLISHED.text, [ids]).catch((err: unknown) => {
        logger.debug({ err, events: ids.length }, 'outbox: deleting published events failed; the sweep will');
      });
    }
    running = undefined;
  };
  return {
    add(ids: string[]) {
      if (ids.length === 0) return;
      waiting.push(...ids);
      running ??= drain();
    },
    settled: () => running ?? Promise.resolve(),
  };
}
