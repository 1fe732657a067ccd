import { defineFeature } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';

type DrainDeps = Pick<NotificationDeps, 'db' | 'push' | 'logger' | 'config'>;

/** Sends what is due, round after round while rounds come back full (bounded, so a stop is never kept waiting long). */
export async function drainDue({ db, push, logger, config }: DrainDeps): Promise<void> {
  for (let round = 0; round < 10; round++) {
    const claimed = await drainOnce({
      db,
      push,
      logger,
      batchSize: config.PUSH_BATCH_SIZE,
      maxAttempts: config.PUSH_MAX_ATTEMPTS,
      backoff: { baseMs: config.PUSH_RETRY_BASE_MS, maxMs: config.PUSH_RETRY_MAX_MS },
      leaseS: config.PUSH_LEASE_S,
      memberLimit: { count: config.PUSH_MEMBER_LIMIT, windowS: config.PUSH_MEMBER_WINDOW_S },
    });
    if (claimed < config.PUSH_BATCH_SIZE) return;
  }
}
import { drainOnce } from './drain.ts';
import { settleNotifications } from './settle.ts';

/**
 * Push delivery: a job that sends due deliveries (every replica runs it; rows are claimed with
 * SKIP LOCKED, so each goes to one; a new notification also starts a drain at once, see
 * drain-now.ts), and a slower sweep that settles notifications left with nothing to send.
 */
export const deliveryFeature = defineFeature<NotificationDeps>({
  name: 'delivery',
  jobs: (deps) => [
    { name: 'push-drain', everyMs: deps.config.PUSH_DRAIN_INTERVAL_MS, run: () => drainDue(deps) },
    {
      name: 'push-settle-sweep',
      everyMs: Math.max(1000, deps.config.PUSH_DRAIN_INTERVAL_MS * 10),
      async run() {
        await deps.db.transaction((tx) => settleNotifications(tx));
      },
    },
  ],
});
