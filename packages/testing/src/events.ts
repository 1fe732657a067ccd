import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '@nxg/contracts';
import { namespaceOf } from '@nxg/platform';

export interface ReadEventsOptions {
  stream: string;
  /** One subject (NATS 2.9 takes one filter per consumer). */
  subject: string;
  /** Only events stored at or after this time. */
  since: Date;
  /** Keep only these. */
  where?: (event: EventEnvelope) => boolean;
  /** Stop once this many matched, or when the stream has nothing more after `quietMs`. */
  expect?: number;
  quietMs?: number;
}

/**
 * Reads what actually landed on a JetStream stream, through an ordered (ephemeral) consumer:
 * the way an analyst would, with the message's `Nats-Msg-Id` alongside each event.
 */
export async function readEvents(nc: NatsConnection, options: ReadEventsOptions): Promise<EventEnvelope[]> {
  const js = jetstream(nc);
  const ns = namespaceOf(nc);
  const consumer = await js.consumers.get(ns.stream(options.stream), {
    filter_subjects: ns.subject(options.subject),
    deliver_policy: DeliverPolicy.StartTime,
    opt_start_time: options.since.toISOString(),
  });
  const found: EventEnvelope[] = [];
  const quietMs = Math.max(1000, options.quietMs ?? 1500);
  for (;;) {
    const msg = await consumer.next({ expires: quietMs });
    if (!msg) break;
    const event = msg.json<EventEnvelope>();
    if (!options.where || options.where(event)) found.push(event);
    if (options.expect !== undefined && found.length >= options.expect && msg.info.pending === 0) break;
  }
  await consumer.delete().catch(() => {});
  return found;
}
