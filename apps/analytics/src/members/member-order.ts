import type { EventEnvelope } from '@nxg/contracts';

/**
 * How analytics' consumers take their events: up to 16 at once, one member's in stream order (their
 * days, streaks and records follow the order their events are judged in), members side by side.
 * Across replicas the member's lock (memberTransaction) keeps them apart as well.
 */
export const byMember = {
  concurrency: {
    max: 16,
    keyOf: (event: EventEnvelope) => (event.data as { userId?: string }).userId ?? event.subject,
  },
};

/**
 * The most events a read model's batch consumer applies in one transaction (logged sets, the
 * busiest stream): what arrived while the batch before was applied, so batches grow with the load.
 */
export const EVENTS_PER_BATCH = 256;
