import { notificationEvents } from '@nxg/contracts';
import { enqueueEvents, type Queryable } from '@nxg/platform';

interface Settled {
  id: string;
  user_id: string;
  category: string;
  kind: string;
  push: 'sent' | 'failed';
  sent: number;
  failed: number;
  reason: string | null;
  [key: string]: unknown;
}

/**
 * Settles notifications none of whose deliveries is left to send: `sent` when at least one device
 * got it, else `failed`, announced by notification.sent / notification.failed in the same
 * transaction. `ids`: those a round just worked on; none: a sweep of due, unsettled ones (a
 * device removed while its push waited, a replica that died between sending and settling).
 * A notification is settled once: the update only takes rows still `pending`.
 */
export async function settleNotifications(tx: Queryable, ids?: string[], sweepLimit = 200): Promise<number> {
  const settled = await tx.query<Settled>(
    `WITH candidates AS (
       SELECT n.id FROM notifications n
       WHERE n.push = 'pending' AND ($1::uuid[] IS NOT NULL AND n.id = ANY($1::uuid[])
             OR $1::uuid[] IS NULL AND n.deliver_after <= now())
         AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.notification_id = n.id AND d.status IN ('pending', 'sending'))
       ORDER BY n.deliver_after LIMIT $2
       FOR UPDATE SKIP LOCKED
     ), counts AS (
       SELECT c.id,
         count(*) FILTER (WHERE d.status = 'sent')::int AS sent,
         count(*) FILTER (WHERE d.status <> 'sent')::int AS failed,
         max(d.last_error) FILTER (WHERE d.status <> 'sent') AS reason
       FROM candidates c LEFT JOIN deliveries d ON d.notification_id = c.id GROUP BY c.id
     )
     UPDATE notifications n SET push = CASE WHEN counts.sent > 0 THEN 'sent' ELSE 'failed' END
     FROM counts WHERE n.id = counts.id
     RETURNING n.id, n.user_id, n.category, n.kind, n.push, counts.sent, counts.failed, counts.reason`,
    [ids ?? null, ids ? ids.length : sweepLimit],
  );
  const at = new Date().toISOString();
  const about = (n: Settled) => ({
    notificationId: n.id,
    userId: n.user_id,
    category: n.category,
    kind: n.kind,
  });
  await enqueueEvents(
    tx,
    settled
      .filter((n) => n.push === 'sent')
      .map((n) => ({
        event: notificationEvents.notificationSent,
        subject: n.user_id,
        data: { ...about(n), devices: n.sent, failedDevices: n.failed, at },
      })),
  );
  await enqueueEvents(
    tx,
    settled
      .filter((n) => n.push === 'failed')
      .map((n) => ({
        event: notificationEvents.notificationFailed,
        subject: n.user_id,
        data: { ...about(n), failedDevices: n.failed, reason: n.reason ?? 'no device', at },
      })),
  );
  return settled.length;
}
