import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { liveSubjects, type Notification } from '@nxg/contracts';
import {
  actingAs,
  BusIdentity,
  messageSender,
  migrate,
  openDatabase,
  platformMigrations,
  type Database,
} from '@nxg/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveFeed } from '../inbox/live-feed.ts';
import { defaultPreferences, savePreferences } from '../preferences/preference-store.ts';
import { rescheduleMember, saveWorkoutPlan } from './reminder-store.ts';
import { sendDueReminders } from './send-due.ts';

// The scheduler's SQL on embedded PGlite (what `pnpm start` uses without DATABASE_URL) with the
// clock in the test's hands: days of downtime in a few calls. The live feed is real NATS.
let dir: string;
let db: Database;
let nc: NatsConnection;
const key = randomBytes(32);
const userId = randomUUID();
const live: { data: Notification; signer: string | undefined }[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxg-reminders-'));
  db = await openDatabase({ service: 'notification', dataDir: dir });
  await migrate(db, [
    platformMigrations,
    { scope: 'notification', dir: fileURLToPath(new URL('../../migrations', import.meta.url)) },
  ]);
  nc = await connect({ servers: process.env.NATS_URL ?? 'nats://127.0.0.1:4222' });
  const gateway = actingAs(nc, new BusIdentity(key, 'gateway'));
  gateway.subscribe(liveSubjects.user(userId), {
    callback: (_err, msg) => {
      live.push({ data: (msg.json() as { data: Notification }).data, signer: messageSender(gateway, msg) });
    },
  });
  await nc.flush();
});
afterAll(async () => {
  await nc?.close();
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const scheduler = (now: string) =>
  sendDueReminders({
    db,
    live: liveFeed(actingAs(nc, new BusIdentity(key, 'notification'))),
    deliverNow: () => {},
    graceMs: 2 * 3600_000,
    batchSize: 50,
    now: new Date(now),
  });
const reminders = () =>
  db.query<{ source_event_id: string; push: string }>(
    'SELECT source_event_id, push FROM notifications WHERE user_id = $1 ORDER BY created_at',
    [userId],
  );
const nextAt = async () =>
  new Date(
    (await db.query<{ next_at: Date }>('SELECT next_at FROM reminders WHERE user_id = $1', [userId]))[0]!
      .next_at,
  );

describe('the reminder scheduler on PGlite', () => {
  it('sends each day once, only the latest missed day after downtime, none beyond the grace window', async () => {
    // Every day at 07:00 in Berlin (CET, UTC+1 in early March), from Monday 2 March 2026.
    await savePreferences(db, userId, {
      ...defaultPreferences(),
      timezone: 'Europe/Berlin',
      reminders: {
        workout: { time: '07:00', weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] },
        meals: {},
      },
    });
    await saveWorkoutPlan(db, { userId, planId: 'plan-1', daysPerWeek: 7, at: '2026-03-02T05:00:00Z' });
    await db.transaction((tx) => rescheduleMember(tx, userId, new Date('2026-03-02T05:00:00Z')));
    expect(await nextAt()).toEqual(new Date('2026-03-02T06:00:00Z'));

    // Down from Monday morning until Thursday 07:30: one reminder, Thursday's.
    expect(await scheduler('2026-03-05T06:30:00Z')).toBe(1);
    expect(await reminders()).toEqual([{ source_event_id: 'reminder:workout:2026-03-05', push: 'skipped' }]);
    expect(await nextAt()).toEqual(new Date('2026-03-06T06:00:00Z'));
    // Nothing due again until Friday; two schedulers at once on Friday send it once.
    expect(await scheduler('2026-03-05T06:31:00Z')).toBe(0);
    await Promise.all([scheduler('2026-03-06T06:00:05Z'), scheduler('2026-03-06T06:00:05Z')]);
    expect((await reminders()).map((r) => r.source_event_id)).toEqual([
      'reminder:workout:2026-03-05',
      'reminder:workout:2026-03-06',
    ]);

    // Down from Friday until Monday 10:00, three hours after its 07:00: too late, nothing; next Tuesday.
    expect(await scheduler('2026-03-09T09:00:00Z')).toBe(1);
    expect(await reminders()).toHaveLength(2);
    expect(await nextAt()).toEqual(new Date('2026-03-10T06:00:00Z'));

    // Each reminder made reached the member's live feed once, signed by notification.
    await nc.flush();
    await new Promise((r) => setTimeout(r, 200));
    expect(live.map((m) => [m.data.data.localDate, m.signer])).toEqual([
      ['2026-03-05', 'notification'],
      ['2026-03-06', 'notification'],
    ]);
  });
});
