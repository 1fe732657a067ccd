import type { NotificationCategory } from '@nxg/contracts';
import type { Database, Queryable } from '@nxg/platform';
import type { Logger } from 'pino';
import { dropDevices } from '../devices/device-store.ts';
import { preferencesOfMany } from '../preferences/preference-store.ts';
import { deliverAfter } from '../preferences/quiet-hours.ts';
import { retryDelayMs, type BackoffPolicy } from './backoff.ts';
import type { PushMessage, PushOutcome, PushTransport } from './push-transport.ts';
import { settleNotifications } from './settle.ts';

export interface DrainOptions {
  db: Database;
  push: PushTransport;
  logger: Logger;
  batchSize: number;
  maxAttempts: number;
  backoff: BackoffPolicy;
  /** How long a claim lasts: longer than one send with firebase-admin's own retries. */
  leaseS: number;
  memberLimit: { count: number; windowS: number };
  /** Sends in flight at once within a round. */
  concurrency?: number;
  /** What counts as due: the database's clock, unless a test holds the clock (quiet hours ending at night). */
  now?: Date;
}

interface Claimed {
  id: string;
  notification_id: string;
  device_id: string | null;
  attempts: number;
  [key: string]: unknown;
}

interface Work extends Claimed {
  user_id: string;
  category: NotificationCategory;
  title: string;
  body: string;
  data: Record<string, string>;
  token: string | null;
  platform: PushMessage['platform'] | null;
}

/** Claims due deliveries for this replica: others skip what is claimed; a lapsed claim is due again. */
const CLAIM = `
  WITH due AS (
    SELECT id FROM deliveries
    WHERE status IN ('pending', 'sending') AND next_attempt_at <= coalesce($3::timestamptz, now())
    ORDER BY next_attempt_at LIMIT $1
    FOR UPDATE SKIP LOCKED
  )
  UPDATE deliveries d SET status = 'sending', attempts = d.attempts + 1,
    next_attempt_at = coalesce($3::timestamptz, now()) + make_interval(secs => $2)
  FROM due WHERE d.id = due.id
  RETURNING d.id, d.notification_id, d.device_id, d.attempts`;

const DETAILS = `
  SELECT d.id, n.user_id, n.category, n.title, n.body, n.data, dev.token, dev.platform
  FROM deliveries d JOIN notifications n ON n.id = d.notification_id
  LEFT JOIN devices dev ON dev.id = d.device_id
  WHERE d.id = ANY($1::uuid[])`;

/**
 * One round of the push pipeline: claim due deliveries, hold back members over their push limit
 * (deferred, not dropped), send the rest, record each outcome as soon as it is known (so a
 * crash resends as little as possible), then settle the notifications that are done.
 * Returns how many deliveries it claimed.
 */
export async function drainOnce(options: DrainOptions): Promise<number> {
  const { db, push, logger } = options;
  const claimed = await db.query<Claimed>(CLAIM, [options.batchSize, options.leaseS, options.now ?? null]);
  if (claimed.length === 0) return 0;
  const details = new Map(
    (await db.query<Work & { id: string }>(DETAILS, [claimed.map((c) => c.id)])).map((d) => [d.id, d]),
  );
  const work = claimed.flatMap((c) => {
    const d = details.get(c.id);
    return d ? [{ ...d, ...c }] : [];
  });
  const allowed = await admit(db, work, options.memberLimit, options.now ?? new Date());

  const queue = [...allowed];
  const worker = async () => {
    for (let w = queue.shift(); w; w = queue.shift()) {
      const outcome: PushOutcome =
        w.token && w.platform
          ? await push.send({
              token: w.token,
              platform: w.platform,
              notificationId: w.notification_id,
              title: w.title,
              body: w.body,
              data: w.data,
            })
          : { kind: 'dead-token', reason: 'device removed' };
      await record(db, w, outcome, options).catch((err: unknown) =>
        logger.error({ err, deliveryId: w.id }, 'recording a push outcome failed; the claim will lapse'),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency ?? 16, queue.length) }, worker));
  await db.transaction((tx) => settleNotifications(tx, [...new Set(work.map((w) => w.notification_id))]));
  return claimed.length;
}

/** Writes what became of one delivery; a dead token takes its device (and its other pending pushes) away. */
async function record(db: Database, w: Work, outcome: PushOutcome, options: DrainOptions): Promise<void> {
  switch (outcome.kind) {
    case 'sent':
      await db.query(
        `UPDATE deliveries SET status = 'sent', sent_at = now(), message_id = $2, last_error = NULL WHERE id = $1`,
        [w.id, outcome.messageId],
      );
      return;
    case 'dead-token':
      await db.transaction(async (tx) => {
        await tx.query(`UPDATE deliveries SET status = 'dropped', last_error = $2 WHERE id = $1`, [
          w.id,
          outcome.reason,
        ]);
        if (w.device_id) await dropDevices(tx, 'id = $1', [w.device_id]);
      });
      options.logger.info(
        { deviceId: w.device_id, reason: outcome.reason },
        'push token is dead; device removed',
      );
      return;
    case 'retry': {
      const spent = w.attempts >= options.maxAttempts;
      const delay = retryDelayMs(w.attempts, options.backoff, outcome.retryAfterMs);
      await db.query(
        `UPDATE deliveries SET status = $2, last_error = $3, next_attempt_at = now() + make_interval(secs => $4::float8 / 1000)
         WHERE id = $1`,
        [w.id, spent ? 'failed' : 'pending', outcome.reason, delay],
      );
      options.logger.warn(
        { deliveryId: w.id, attempt: w.attempts, reason: outcome.reason, retryInMs: spent ? null : delay },
        spent ? 'push failed; retries spent' : 'push failed; will retry',
      );
      return;
    }
    case 'refused':
      await db.query(`UPDATE deliveries SET status = 'failed', last_error = $2 WHERE id = $1`, [
        w.id,
        outcome.reason,
      ]);
      options.logger.error({ deliveryId: w.id, reason: outcome.reason }, 'push refused by FCM');
      return;
  }
}

/**
 * What the member wants now, checked again at send time: a push may have waited (quiet hours,
 * the member's limit, FCM retries) while they turned its category off or their quiet hours
 * began. A category turned off before any device got it: not pushed at all (the inbox keeps it,
 * `skipped`); one under way finishes, so the member's devices agree. Quiet hours now: the
 * delivery waits for their end. Returns the work that may go on.
 */
async function stillWanted(tx: Queryable, work: Work[], underWay: Set<string>, now: Date): Promise<Work[]> {
  const prefs = await preferencesOfMany(tx, [...new Set(work.map((w) => w.user_id))]);
  const muted = new Set<string>();
  const wanted: Work[] = [];
  for (const w of work) {
    const p = prefs.get(w.user_id)!;
    if (!p.categories[w.category] && !underWay.has(w.notification_id)) {
      muted.add(w.notification_id);
      continue;
    }
    const due = deliverAfter(now, p.quietHours, p.timezone);
    if (due > now) {
      await tx.query(
        `UPDATE deliveries SET status = 'pending', attempts = attempts - 1, next_attempt_at = $2 WHERE id = $1`,
        [w.id, due],
      );
      continue;
    }
    wanted.push(w);
  }
  if (muted.size) {
    const ids = [...muted];
    await tx.query(
      `UPDATE deliveries SET status = 'dropped', last_error = 'category turned off'
       WHERE notification_id = ANY($1::uuid[]) AND status IN ('pending', 'sending')`,
      [ids],
    );
    await tx.query(
      `UPDATE notifications SET push = 'skipped' WHERE id = ANY($1::uuid[]) AND push = 'pending'`,
      [ids],
    );
  }
  return wanted;
}

/**
 * At most `count` notifications pushed per member per `windowS`: a notification already under way
 * (a retry, another device) goes on; a new one beyond the limit waits until the window has room
 * (its delivery goes back to pending, the attempt not counted). Decided under a per-member
 * advisory lock, with `pushed_at` set in the same transaction, so replicas count each other's.
 * Before that, what the member no longer wants pushed now is held back or dropped (stillWanted).
 */
async function admit(
  db: Database,
  claimed: Work[],
  limit: { count: number; windowS: number },
  now: Date,
): Promise<Work[]> {
  const members = [...new Set(claimed.map((w) => w.user_id))].sort();
  return db.transaction(async (tx) => {
    for (const member of members) {
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notification-push:${member}`]);
    }
    const notificationIds = [...new Set(claimed.map((w) => w.notification_id))];
    const underWay = new Set(
      (
        await tx.query<{ id: string }>(
          'SELECT id FROM notifications WHERE id = ANY($1::uuid[]) AND pushed_at IS NOT NULL',
          [notificationIds],
        )
      ).map((r) => r.id),
    );
    const work = await stillWanted(tx, claimed, underWay, now);
    const recent = new Map(
      (
        await tx.query<{ user_id: string; count: number; oldest: Date }>(
          `SELECT user_id, count(*)::int AS count, min(pushed_at) AS oldest FROM notifications
           WHERE user_id = ANY($1::uuid[]) AND pushed_at > now() - make_interval(secs => $2)
           GROUP BY user_id`,
          [members, limit.windowS],
        )
      ).map((r) => [r.user_id, r]),
    );
    const admitted = new Map<string, Set<string>>();
    const allowed: Work[] = [];
    for (const w of work) {
      if (underWay.has(w.notification_id)) {
        allowed.push(w);
        continue;
      }
      const mine = admitted.get(w.user_id) ?? new Set<string>();
      admitted.set(w.user_id, mine);
      if (mine.has(w.notification_id) || (recent.get(w.user_id)?.count ?? 0) + mine.size < limit.count) {
        mine.add(w.notification_id);
        allowed.push(w);
        continue;
      }
      const oldest = recent.get(w.user_id)?.oldest;
      const until = Math.max(
        Date.now() + 1000,
        oldest ? new Date(oldest).getTime() + limit.windowS * 1000 : 0,
      );
      await tx.query(
        `UPDATE deliveries SET status = 'pending', attempts = attempts - 1, next_attempt_at = $2 WHERE id = $1`,
        [w.id, new Date(until)],
      );
    }
    const firstPushes = [...admitted.values()].flatMap((ids) => [...ids]);
    if (firstPushes.length) {
      await tx.query(
        'UPDATE notifications SET pushed_at = now() WHERE id = ANY($1::uuid[]) AND pushed_at IS NULL',
        [firstPushes],
      );
    }
    return allowed;
  });
}
