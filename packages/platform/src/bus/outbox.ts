import { jetstream } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { propagation, context } from '@opentelemetry/api';
import type { EventDefinition, EventEnvelope } from '@nxg/contracts';
import type { Static } from 'typebox';
import type { Logger } from 'pino';
import { v7 as uuidv7 } from 'uuid';
import type { Database, Queryable } from '../db/database.ts';
import { validatorFor } from '../validation.ts';

export interface PendingEvent<E extends EventDefinition> {
  event: E;
  /** The user or machine the event is about. */
  subject: string;
  data: Static<E['data']>;
  /** NATS subject when it is not the event type (e.g. machines.<branch>.<machine>.status). */
  natsSubject?: string;
  /** `Nats-Msg-Id` when it is not the event id: derived from the cause (e.g. `machine:frame`). */
  msgId?: string;
}

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

/**
 * Writes an event into the outbox inside the caller's transaction: it is published if and only if
 * the change it describes commits. Its source is the service that owns the database.
 */
export async function enqueueEvent<E extends EventDefinition>(
  tx: Queryable,
  pending: PendingEvent<E>,
): Promise<EventEnvelope<Static<E['data']>>> {
  const envelope = eventEnvelope(tx.service, pending);
  const trace: Record<string, string> = {};
  propagation.inject(context.active(), trace);
  await tx.query(
    'INSERT INTO outbox (id, subject, payload, headers, msg_id) VALUES ($1, $2, $3, $4, $5)',
    [
      envelope.id,
      pending.natsSubject ?? pending.event.type,
      JSON.stringify(envelope),
      JSON.stringify(trace),
      pending.msgId ?? null,
    ],
    { name: 'outbox-insert' },
  );
  return envelope;
}

export interface OutboxRelay {
  /** Ask for a pass now (after a commit) instead of at the next tick. */
  kick(): void;
  /** Relays everything pending; resolves with the number published. */
  flush(): Promise<number>;
  stop(): Promise<void>;
}

interface OutboxRow {
  id: string;
  subject: string;
  payload: unknown;
  headers: Record<string, string>;
  msg_id: string | null;
  [key: string]: unknown;
}

export interface RelayOptions {
  db: Database;
  nc: NatsConnection;
  logger: Logger;
  intervalMs?: number;
  batchSize?: number;
  /** Keep published rows this long for inspection, then delete them. */
  retentionHours?: number;
}

/**
 * Publishes committed outbox rows to JetStream with `Nats-Msg-Id` = event id. Replicas share the
 * work through `FOR UPDATE SKIP LOCKED`; a relay that dies after publishing but before marking
 * the row is covered by JetStream's duplicate window, so each event lands once.
 */
export function startOutboxRelay(options: RelayOptions): OutboxRelay {
  const { db, nc, logger } = options;
  const js = jetstream(nc);
  const intervalMs = options.intervalMs ?? 500;
  const batchSize = options.batchSize ?? 200;
  const retentionHours = options.retentionHours ?? 24 * 7;
  let running = true;
  let wake: (() => void) | undefined;
  // A kick that arrives mid-pass must not be lost: the next pass starts at once.
  let kicked = false;
  let lastCleanup = 0;
  let failures = 0;

  const relayBatch = () =>
    db.transaction(async (tx) => {
      const rows = await tx.query<OutboxRow>(
        `SELECT id, subject, payload, headers, msg_id FROM outbox
         WHERE published_at IS NULL ORDER BY created_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [batchSize],
      );
      if (rows.length === 0) return 0;
      await Promise.all(
        rows.map((row) => {
          const h = natsHeaders();
          for (const [key, value] of Object.entries(row.headers ?? {})) h.set(key, value);
          return js.publish(row.subject, JSON.stringify(row.payload), {
            msgID: row.msg_id ?? row.id,
            headers: h,
          });
        }),
      );
      await tx.query('UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[])', [
        rows.map((r) => r.id),
      ]);
      return rows.length;
    });

  const cleanup = async () => {
    if (Date.now() - lastCleanup < 10 * 60_000) return;
    lastCleanup = Date.now();
    await db.query(`DELETE FROM outbox WHERE published_at < now() - ($1::int * interval '1 hour')`, [
      retentionHours,
    ]);
  };

  const flush = async () => {
    let total = 0;
    for (;;) {
      const n = await relayBatch();
      total += n;
      if (n < batchSize) return total;
    }
  };

  const loop = (async () => {
    while (running) {
      kicked = false;
      try {
        await flush();
        await cleanup();
        failures = 0;
      } catch (error) {
        failures += 1;
        // Logged once per outage, then quietly retried with a growing pause.
        if (failures === 1) logger.warn({ err: error }, 'outbox relay cannot publish yet; retrying');
      }
      const pause = failures === 0 ? intervalMs : Math.min(intervalMs * 2 ** failures, 10_000);
      if (kicked && failures === 0) continue;
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
    kick: () => {
      kicked = true;
      wake?.();
    },
    flush,
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
