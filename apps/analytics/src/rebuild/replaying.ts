import { AsyncLocalStorage } from 'node:async_hooks';
import { enqueueEvents, type Queryable } from '@nxg/platform';

const replaying = new AsyncLocalStorage<true>();

/**
 * Runs a rebuild's handlers. They write fresh tables only the rebuild reads, each member's events
 * in one lane, and erasures that come meanwhile are applied at its switch: they take no member
 * locks (their long transactions, locking member after member, could deadlock with a live batch
 * holding several members' locks), and they announce nothing (live announced each award, record
 * and achievement when it first made it).
 */
export const whileReplaying = <T>(work: () => Promise<T>): Promise<T> => replaying.run(true, work);

export const isReplaying = (): boolean => replaying.getStore() === true;

/** Writes events to the outbox, unless a rebuild replays what live already announced. */
export async function announce(tx: Queryable, events: Parameters<typeof enqueueEvents>[1]): Promise<void> {
  if (!isReplaying()) await enqueueEvents(tx, events);
}
