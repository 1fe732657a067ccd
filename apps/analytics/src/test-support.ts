import { randomUUID } from 'node:crypto';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { consumers, streams, type EventDefinition, type EventEnvelope } from '@nxg/contracts';
import type { TestPlatform } from '@nxg/testing';
import { namespaceOf } from '@nxg/platform';
import type { Static } from 'typebox';

/** An event as its owning service would put it on its stream (tests inject them). */
export function envelopeOf<E extends EventDefinition>(
  event: E,
  data: Static<E['data']>,
  options: { id?: string; source?: string; subject?: string } = {},
): EventEnvelope<Static<E['data']>> {
  return {
    id: options.id ?? randomUUID(),
    type: event.type,
    source: options.source ?? streams.find((s) => s.name === event.stream)!.owner,
    time: new Date().toISOString(),
    subject: options.subject ?? (data as { userId?: string }).userId ?? '',
    dataVersion: event.dataVersion,
    data,
  };
}

/**
 * Publishes an envelope on JetStream under `natsSubject` (the event type unless given), signed as
 * its source, with `Nats-Msg-Id` = the event id unless `msgId` says otherwise (a replay under a
 * new message id).
 */
export function publishEnvelope(
  platform: TestPlatform,
  envelope: EventEnvelope,
  options: { natsSubject?: string; msgId?: string } = {},
): Promise<{ duplicate: boolean }> {
  return platform.publishEvent(options.natsSubject ?? envelope.type, envelope, { msgId: options.msgId });
}

/** Every durable consumer analytics reads. */
export const analyticsDurables = () => consumers.filter((c) => c.durable.startsWith('analytics_'));

/**
 * True once every analytics consumer has been handed all its stream holds and acknowledged it:
 * what was published before has been applied (or deliberately dropped) by then.
 */
export function analyticsCaughtUp(nc: NatsConnection): Promise<boolean> {
  return serviceCaughtUp(nc, 'analytics');
}

/** The same for every durable consumer of a service (their names start with the service's). */
export async function serviceCaughtUp(nc: NatsConnection, service: string): Promise<boolean> {
  const jsm = await jetstreamManager(nc);
  const ns = namespaceOf(nc);
  for (const c of consumers.filter((d) => d.durable.startsWith(`${service}_`))) {
    const info = await jsm.consumers.info(ns.stream(c.stream), c.durable);
    if (info.num_pending > 0 || info.num_ack_pending > 0) return false;
  }
  return true;
}
