import type { Notification, NotificationCategory } from '@nxg/contracts';
import { uuidv7 } from '@nxg/platform';
import type { Queryable } from '@nxg/platform';
import { preferencesOf } from '../preferences/preference-store.ts';
import { deliverAfter } from '../preferences/quiet-hours.ts';

interface NotificationRow {
  id: string;
  category: NotificationCategory;
  kind: string;
  title: string;
  body: string;
  data: Record<string, string>;
  push: Notification['push'];
  created_at: Date;
  read_at: Date | null;
  [key: string]: unknown;
}

export const toNotification = (r: NotificationRow): Notification => ({
  id: r.id,
  category: r.category,
  kind: r.kind,
  title: r.title,
  body: r.body,
  data: r.data,
  push: r.push,
  createdAt: new Date(r.created_at).toISOString(),
  readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
});

const COLUMNS = 'id, category, kind, title, body, data, push, created_at, read_at';

/** What a trigger makes of an event for one member. */
export interface NewNotification {
  userId: string;
  category: NotificationCategory;
  kind: string;
  title: string;
  body: string;
  data: Record<string, string>;
  /**
   * The event it comes from, or a key of its own (a reminder: `reminder:<which>:<local date>`):
   * with the member, what makes redeliveries and a second replica harmless.
   */
  sourceEventId: string;
}

/**
 * Stores a notification in the member's inbox and, when they want this category pushed, one
 * pending delivery per device they have now, due at once or at the end of their quiet hours.
 * In the caller's transaction. Undefined when this event already made this member's notification.
 */
export async function createNotification(
  tx: Queryable,
  n: NewNotification,
  now = new Date(),
): Promise<Notification | undefined> {
  const prefs = await preferencesOf(tx, n.userId);
  const wanted = prefs.categories[n.category];
  const due = deliverAfter(now, prefs.quietHours, prefs.timezone);
  const [row] = await tx.query<NotificationRow>(
    `INSERT INTO notifications (id, user_id, category, kind, title, body, data, source_event_id, push, deliver_after)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (source_event_id, user_id) DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      uuidv7(),
      n.userId,
      n.category,
      n.kind,
      n.title,
      n.body,
      JSON.stringify(n.data),
      n.sourceEventId,
      wanted ? 'pending' : 'skipped',
      due,
    ],
  );
  if (!row) return undefined;
  if (!wanted) return toNotification(row);
  const deliveries = await tx.query<{ id: string }>(
    `INSERT INTO deliveries (id, notification_id, device_id, status, next_attempt_at)
     SELECT gen_random_uuid(), $1, d.id, 'pending', $3 FROM devices d WHERE d.user_id = $2
     RETURNING id`,
    [row.id, n.userId, due],
  );
  if (deliveries.length === 0) {
    // No device to push to: the inbox has it, and that is all.
    await tx.query(`UPDATE notifications SET push = 'skipped' WHERE id = $1`, [row.id]);
    return toNotification({ ...row, push: 'skipped' });
  }
  return toNotification(row);
}

export async function inboxPage(db: Queryable, userId: string, limit: number, after?: [string, string]) {
  return db.query<NotificationRow>(
    `SELECT ${COLUMNS} FROM notifications WHERE user_id = $1
       AND ($2::timestamptz IS NULL OR (created_at, id) < ($2::timestamptz, $3::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $4`,
    [userId, after?.[0] ?? null, after?.[1] ?? null, limit],
  );
}

/** Marks it read (the first time counts); undefined when the member has no such notification. */
export async function markRead(db: Queryable, userId: string, id: string): Promise<Notification | undefined> {
  const [row] = await db.query<NotificationRow>(
    `UPDATE notifications SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${COLUMNS}`,
    [id, userId],
  );
  return row ? toNotification(row) : undefined;
}
