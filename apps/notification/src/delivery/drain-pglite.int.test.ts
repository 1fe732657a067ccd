import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase, platformMigrations, type Database } from '@nxg/platform';
import { freePort, startFcmStandIn, type FcmStandIn } from '@nxg/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerDevice } from '../devices/device-store.ts';
import { createNotification } from '../inbox/inbox-store.ts';
import { savePreferences, defaultPreferences } from '../preferences/preference-store.ts';
import { drainOnce } from './drain.ts';
import { fcmTransport } from './fcm-transport.ts';
import type { PushTransport } from './push-transport.ts';
import { settleNotifications } from './settle.ts';

// The push pipeline's SQL on embedded PGlite (what `pnpm start` uses without DATABASE_URL); the
// platform tests run it on PostgreSQL.
let dir: string;
let db: Database;
let fcm: FcmStandIn;
let push: PushTransport;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxg-notification-'));
  db = await openDatabase({ service: 'notification', dataDir: dir });
  await migrate(db, [
    platformMigrations,
    { scope: 'notification', dir: fileURLToPath(new URL('../../migrations', import.meta.url)) },
  ]);
  fcm = await startFcmStandIn();
  push = fcmTransport({ kind: 'stand-in', projectId: fcm.projectId, url: fcm.url });
});
afterAll(async () => {
  await push?.close();
  await fcm?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const token = () =>
  `${randomBytes(11).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;
const drain = (now?: Date) =>
  drainOnce({
    db,
    push,
    logger: pino({ level: 'silent' }),
    batchSize: 50,
    maxAttempts: 3,
    backoff: { baseMs: 1, maxMs: 1 },
    leaseS: 60,
    memberLimit: { count: 2, windowS: 60 },
    ...(now ? { now } : {}),
  });
const notice = (userId: string) => ({
  userId,
  category: 'sessions' as const,
  kind: 'session.ended',
  title: 'Your gym session has ended',
  body: 'No activity for a while.',
  data: { reason: 'idle' },
  sourceEventId: randomUUID(),
});
const outboxTypes = async () =>
  (await db.query<{ subject: string }>('SELECT subject FROM outbox ORDER BY id')).map((r) => r.subject);

describe('the push pipeline on PGlite', () => {
  it('pushes to every device, drops a dead token, settles once with its event', async () => {
    const userId = randomUUID();
    const [alive, dead] = [token(), token()];
    await db.transaction((tx) => registerDevice(tx, userId, alive, 'android'));
    await db.transaction((tx) => registerDevice(tx, userId, dead, 'ios'));
    fcm.unregister(dead);
    const made = await db.transaction((tx) => createNotification(tx, notice(userId)));
    expect(made?.push).toBe('pending');

    expect(await drain()).toBe(2);
    expect(fcm.delivered(alive)).toHaveLength(1);
    expect(await db.query('SELECT 1 FROM devices WHERE token = $1', [dead])).toEqual([]);
    const [n] = await db.query<{ push: string }>('SELECT push FROM notifications WHERE id = $1', [made!.id]);
    expect(n?.push).toBe('sent');
    expect(await outboxTypes()).toContain('notification.sent');
    expect(await db.transaction((tx) => settleNotifications(tx))).toBe(0);
  });

  it('drops a token FCM calls invalid, and keeps at most ten devices per member', async () => {
    const userId = randomUUID();
    const phones = Array.from({ length: 11 }, token);
    for (const phone of phones) await db.transaction((tx) => registerDevice(tx, userId, phone, 'android'));
    const kept = await db.query<{ token: string }>('SELECT token FROM devices WHERE user_id = $1', [userId]);
    expect(kept.map((d) => d.token).sort()).toEqual(phones.slice(1).sort());

    fcm.rejectAsInvalid(phones[1]!);
    await db.transaction((tx) => createNotification(tx, notice(userId)));
    expect(await drain()).toBe(10);
    expect(await db.query('SELECT 1 FROM devices WHERE token = $1', [phones[1]])).toEqual([]);
    expect(await db.query('SELECT 1 FROM devices WHERE user_id = $1', [userId])).toHaveLength(9);
    expect(phones.slice(2).every((p) => fcm.delivered(p).length === 1)).toBe(true);
  });

  it('rides out a short FCM outage (503 with Retry-After) inside one send', async () => {
    const userId = randomUUID();
    const phone = token();
    await db.transaction((tx) => registerDevice(tx, userId, phone, 'android'));
    await db.transaction((tx) => createNotification(tx, notice(userId)));
    fcm.fail({ status: 503, retryAfterS: 1, times: 2 });
    expect(await drain()).toBe(1);
    // firebase-admin retried the 503s itself, waiting as told; the delivery took one attempt.
    const tries = fcm.requests().filter((r) => JSON.stringify(r.body).includes(phone));
    expect(tries.map((r) => r.status)).toEqual([503, 503, 200]);
    expect(tries[2]!.at - tries[0]!.at).toBeGreaterThanOrEqual(2000);
    const [row] = await db.query<{ status: string; attempts: number }>(
      `SELECT d.status, d.attempts FROM deliveries d JOIN notifications n ON n.id = d.notification_id WHERE n.user_id = $1`,
      [userId],
    );
    expect(row).toEqual({ status: 'sent', attempts: 1 });
  });

  it('makes one notification per event and member, and defers in quiet hours and beyond the limit', async () => {
    const userId = randomUUID();
    const phone = token();
    await db.transaction((tx) => registerDevice(tx, userId, phone, 'web'));
    const once = notice(userId);
    expect(await db.transaction((tx) => createNotification(tx, once))).toBeDefined();
    expect(await db.transaction((tx) => createNotification(tx, once))).toBeUndefined();
    await db.transaction((tx) => createNotification(tx, notice(userId)));
    await db.transaction((tx) => createNotification(tx, notice(userId)));
    await drain();
    // Two per minute for this member: the third waits.
    expect(fcm.delivered(phone)).toHaveLength(2);
    const [waiting] = await db.query<{ status: string; attempts: number }>(
      `SELECT d.status, d.attempts FROM deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE n.user_id = $1 AND d.status <> 'sent'`,
      [userId],
    );
    expect(waiting).toEqual({ status: 'pending', attempts: 0 });

    const night = randomUUID();
    await db.transaction((tx) => registerDevice(tx, night, token(), 'ios'));
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const now = new Date();
    await savePreferences(db, night, {
      ...defaultPreferences(),
      quietHours: {
        start: hhmm(new Date(now.getTime() - 3600_000)),
        end: hhmm(new Date(now.getTime() + 7200_000)),
      },
    });
    const deferred = await db.transaction((tx) => createNotification(tx, notice(night)));
    expect(await drain()).toBe(0);
    const [row] = await db.query<{ push: string }>('SELECT push FROM notifications WHERE id = $1', [
      deferred!.id,
    ]);
    expect(row?.push).toBe('pending');
  });

  it('gives a delivery up once its attempts are spent, and announces notification.failed', async () => {
    const userId = randomUUID();
    const phone = token();
    await db.transaction((tx) => registerDevice(tx, userId, phone, 'android'));
    const made = await db.transaction((tx) => createNotification(tx, notice(userId)));
    // 500 INTERNAL: firebase-admin does not retry it itself; each round is one attempt.
    fcm.fail({ status: 500 });
    try {
      for (let attempt = 1; attempt <= 3; attempt++) {
        await new Promise((r) => setTimeout(r, 5)); // past the 1 ms backoff
        expect(await drain()).toBe(1);
      }
      await new Promise((r) => setTimeout(r, 5));
      expect(await drain()).toBe(0);
    } finally {
      fcm.heal();
    }
    expect(fcm.requests().filter((r) => JSON.stringify(r.body).includes(phone))).toHaveLength(3);
    expect(fcm.delivered(phone)).toEqual([]);
    const [row] = await db.query<{ status: string; attempts: number; push: string }>(
      `SELECT d.status, d.attempts, n.push FROM deliveries d JOIN notifications n ON n.id = d.notification_id
       WHERE n.id = $1`,
      [made!.id],
    );
    expect(row).toEqual({ status: 'failed', attempts: 3, push: 'failed' });
    const [event] = await db.query<{ payload: { data: { notificationId: string; reason: string } } }>(
      `SELECT payload FROM outbox WHERE subject = 'notification.failed' AND payload->'data'->>'notificationId' = $1`,
      [made!.id],
    );
    expect(event?.payload.data.reason).toContain('internal-error');
    // The device stays: FCM failing says nothing against the token.
    expect(await db.query('SELECT 1 FROM devices WHERE token = $1', [phone])).toHaveLength(1);
  });

  it('treats FCM out of reach as worth retrying, never as a dead token', async () => {
    const port = await freePort(); // nobody listens there
    const away = fcmTransport({
      kind: 'stand-in',
      projectId: fcm.projectId,
      url: `http://127.0.0.1:${port}`,
    });
    try {
      const outcome = await away.send({
        token: token(),
        platform: 'ios',
        notificationId: randomUUID(),
        title: 't',
        body: 'b',
        data: {},
      });
      expect(outcome.kind).toBe('retry');
    } finally {
      await away.close();
    }
  });

  it('asks the member again at send time: quiet hours begun meanwhile defer, a category turned off is not pushed', async () => {
    const userId = randomUUID();
    const phone = token();
    await db.transaction((tx) => registerDevice(tx, userId, phone, 'android'));
    const made = await db.transaction((tx) => createNotification(tx, notice(userId)));
    expect(made?.push).toBe('pending');
    // While it waited (behind the push limit, or for FCM), the member's quiet hours began.
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const end = new Date(Math.floor((Date.now() + 2 * 3600_000) / 60_000) * 60_000);
    const quietHours = { start: hhmm(new Date(Date.now() - 3600_000)), end: hhmm(end) };
    await savePreferences(db, userId, { ...defaultPreferences(), quietHours });
    expect(await drain()).toBe(1);
    expect(fcm.delivered(phone)).toEqual([]);
    const delivery = () =>
      db.query<{ status: string; attempts: number; next_attempt_at: Date }>(
        'SELECT status, attempts, next_attempt_at FROM deliveries WHERE notification_id = $1',
        [made!.id],
      );
    expect(await delivery()).toEqual([{ status: 'pending', attempts: 0, next_attempt_at: end }]);

    // Before they end, the member turns the category off: nothing is pushed, the inbox keeps it.
    await savePreferences(db, userId, {
      ...defaultPreferences(),
      categories: { ...defaultPreferences().categories, sessions: false },
      quietHours,
    });
    await drain(end); // (also sends what earlier tests left waiting)
    expect(fcm.delivered(phone)).toEqual([]);
    expect((await delivery()).map((d) => d.status)).toEqual(['dropped']);
    const [n] = await db.query<{ push: string }>('SELECT push FROM notifications WHERE id = $1', [made!.id]);
    expect(n?.push).toBe('skipped');
    expect(await db.transaction((tx) => settleNotifications(tx))).toBe(0);
    const events = await db.query(`SELECT 1 FROM outbox WHERE payload->'data'->>'notificationId' = $1`, [
      made!.id,
    ]);
    expect(events).toEqual([]);
  });
});
