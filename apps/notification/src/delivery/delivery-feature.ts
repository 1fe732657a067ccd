import { defineFeature } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { drainOnce } from './drain.ts';
import { settleNotifications } from './settle.ts';

/**
 * Push delivery: a job that sends due deliveries (every replica runs it; rows are claimed with
 * SKIP LOCKED, so each goes to one), and a slower sweep that settles notifications left with
 * nothing to send.
 */
export const deliveryFeature = defineFeature<NotificationDeps>({
  name: 'delivery',
  jobs: ({ db, push, logger, outbox, config }) => [
    {
      name: 'push-drain',
      everyMs: config.PUSH_DRAIN_INTERVAL_MS,
      async run() {
        // A full round means more is due: go on (bounded, so a stop is never kept waiting long).
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
          if (claimed) outbox.kick();
          if (claimed < config.PUSH_BATCH_SIZE) return;
        }
      },
    },
    {
      name: 'push-settle-sweep',
      everyMs: Math.max(1000, config.PUSH_DRAIN_INTERVAL_MS * 10),
      async run() {
        if (await db.transaction((tx) => settleNotifications(tx))) outbox.kick();
      },
    },
  ],
});
