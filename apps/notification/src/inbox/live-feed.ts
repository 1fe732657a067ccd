import type { NatsConnection } from '@nats-io/transport-node';
import { liveSubjects, type Notification } from '@nxg/contracts';
import { publishSigned, type Database, type Queryable } from '@nxg/platform';

/** The member's live feed (`live.user.<id>`, relayed by the gateway's /v1/live), signed like every bus message. */
export interface LiveFeed {
  notification(userId: string, notification: Notification): void;
}

export const liveFeed = (nc: NatsConnection): LiveFeed => ({
  notification(userId, notification) {
    publishSigned(
      nc,
      liveSubjects.user(userId),
      JSON.stringify({ type: 'notification', at: new Date().toISOString(), data: notification }),
    );
  },
});

/** A notification made in a transaction, to announce once that transaction has committed. */
export interface Made {
  userId: string;
  notification: Notification;
}

/**
 * Runs `work` in one transaction; each notification it lists in `made` reaches its member's live
 * feed once committed (whether or not a push goes out; the feed is now-only, the inbox keeps it),
 * and those with pushes to make start a drain at once.
 */
export async function notifying<T>(
  { db, live, deliverNow }: { db: Database; live: LiveFeed; deliverNow: () => void },
  work: (tx: Queryable, made: Made[]) => Promise<T>,
): Promise<T> {
  const made: Made[] = [];
  const result = await db.transaction((tx) => work(tx, made));
  for (const m of made) live.notification(m.userId, m.notification);
  if (made.some((m) => m.notification.push === 'pending')) deliverNow();
  return result;
}
