import { nutritionEvents, workoutEvents, type Notification } from '@nxg/contracts';
import type { Database, Queryable } from '@nxg/platform';
import { saveProfileTimezone } from '../preferences/preference-store.ts';
import { rescheduleMember, saveWorkoutPlan } from './reminder-store.ts';
import { registerMember, startFcmStandIn, usePlatform, waitFor } from '@nxg/testing';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import {
  drainAt,
  memberWithDevices,
  publishEvent,
  settle,
  wholeMinuteIn,
  type Member,
} from '../test-support.ts';

const fcm = await startFcmStandIn();
afterAll(() => fcm.close());

const { platform, api } = usePlatform({
  replicas: { notification: 1 },
  env: {
    notification: {
      FCM_PROJECT_ID: fcm.projectId,
      FCM_STAND_IN_URL: fcm.url,
      PUSH_DRAIN_INTERVAL_MS: '100',
      REMINDER_TICK_MS: '200',
      REMINDER_GRACE_S: '3600',
    },
  },
});

const db = () => platform.services.notification![0]!.app!.kit.db as Database;
/** The member's reminders in their inbox (the plan also brings its "plan ready" notification). */
const inbox = async (member: Member): Promise<Notification[]> =>
  ((await api.get('/v1/notifications', member.accessToken)).body.items as Notification[]).filter((n) =>
    n.kind.startsWith('reminder.'),
  );
/** Reminder pushes the FCM stand-in took for this device. */
const pushed = (token: string) => fcm.delivered(token).filter((d) => d.data.reminder);
/** `HH:MM` of `date` in `zone`. */
const hhmm = (date: Date, zone = 'UTC') =>
  new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date);
const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000);
const everyDay = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Workout tells notification the member has a plan (as its outbox relay would). */
const planGenerated = (userId: string, daysPerWeek = 3, at = new Date()) =>
  publishEvent(platform, workoutEvents.planGenerated, 'workout.plan.generated', userId, {
    userId,
    planId: randomUUID(),
    source: 'fallback',
    daysPerWeek,
    at: at.toISOString(),
  });

const reminderRow = (userId: string) =>
  waitFor(async () => {
    const [row] = await db().query<{
      next_at: Date;
      spec: { time: string; weekdays: string[]; timezone: string };
    }>(`SELECT next_at, spec FROM reminders WHERE user_id = $1 AND reminder = 'workout'`, [userId]);
    return row;
  });

/** As if the scheduler had been down since `since`: the reminder was due then and nobody sent it. */
const downSince = (userId: string, since: Date) =>
  db().query(`UPDATE reminders SET next_at = $2 WHERE user_id = $1`, [userId, since]);

describe('workout reminders', () => {
  it('follow the plan’s training days at the member’s time in their zone', async () => {
    const member = await registerMember(api);
    await api.put(
      '/v1/notifications/preferences',
      { timezone: 'America/New_York', reminders: { workout: { time: '06:15' } } },
      member.accessToken,
    );
    await planGenerated(member.user.id, 3);
    const row = await reminderRow(member.user.id);
    expect(row.spec).toMatchObject({
      time: '06:15',
      weekdays: ['mon', 'wed', 'fri'],
      timezone: 'America/New_York',
    });
    const next = new Date(row.next_at);
    expect(hhmm(next, 'America/New_York')).toBe('06:15');
    expect(['Mon', 'Wed', 'Fri']).toContain(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short' }).format(next),
    );
    expect(next.getTime()).toBeGreaterThan(Date.now());

    // Choosing other days and a time moves it; turning the category off removes it.
    await api.put(
      '/v1/notifications/preferences',
      { timezone: 'America/New_York', reminders: { workout: { time: '18:00', weekdays: ['sat'] } } },
      member.accessToken,
    );
    const moved = new Date((await reminderRow(member.user.id)).next_at);
    expect(hhmm(moved, 'America/New_York')).toBe('18:00');
    expect(
      new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', weekday: 'short' }).format(moved),
    ).toBe('Sat');
    await api.put(
      '/v1/notifications/preferences',
      { categories: { workout_reminders: false } },
      member.accessToken,
    );
    const left = await db().query('SELECT 1 FROM reminders WHERE user_id = $1', [member.user.id]);
    expect(left).toEqual([]);
  });

  it('move to a new plan’s training days, and not back to an older plan read late', async () => {
    const member = await registerMember(api);
    await planGenerated(member.user.id, 3);
    expect((await reminderRow(member.user.id)).spec.weekdays).toEqual(['mon', 'wed', 'fri']);
    await planGenerated(member.user.id, 2);
    await waitFor(async () => {
      const row = await reminderRow(member.user.id);
      return row.spec.weekdays.join() === 'mon,thu' ? row : undefined;
    });
    // A plan made an hour ago, delivered now: the active plan stays the newer one.
    await planGenerated(member.user.id, 5, new Date(Date.now() - 3600_000));
    await settle(1000);
    expect((await reminderRow(member.user.id)).spec.weekdays).toEqual(['mon', 'thu']);
  });

  // Two transactions at once need a PostgreSQL server (PGlite is one connection).
  it.runIf(Boolean(process.env.DATABASE_URL))(
    'stay on the newer plan when a time zone arrives while that plan is being saved',
    async () => {
      const userId = randomUUID();
      const plan = (planId: string, daysPerWeek: number) => (tx: Queryable) =>
        saveWorkoutPlan(tx, { userId, planId, daysPerWeek, at: new Date().toISOString() }).then(() =>
          rescheduleMember(tx, userId),
        );
      await db().transaction(plan('plan-3', 3));
      // A new plan is saved and its reminder moved, not yet committed…
      let commit!: () => void;
      const committed = new Promise<void>((resolve) => (commit = resolve));
      const newPlan = db().transaction(async (tx) => {
        await plan('plan-2', 2)(tx);
        await committed;
      });
      await settle(200);
      // …when the member's time zone comes from identity and moves the reminder too.
      const newZone = db().transaction(async (tx) => {
        await saveProfileTimezone(tx, userId, 'Europe/Paris', new Date().toISOString());
        await rescheduleMember(tx, userId);
      });
      await settle(300);
      commit();
      await Promise.all([newPlan, newZone]);
      expect((await reminderRow(userId)).spec).toMatchObject({
        weekdays: ['mon', 'thu'],
        timezone: 'Europe/Paris',
        data: { planId: 'plan-2' },
      });
    },
  );

  it('follow the member’s profile time zone unless their preferences name one', async () => {
    const member = await registerMember(api, { timezone: 'Asia/Tokyo' });
    const prefs = await waitFor(async () => {
      const body = (await api.get('/v1/notifications/preferences', member.accessToken)).body;
      return body.timezoneSource === 'profile' ? body : undefined;
    });
    expect(prefs.timezone).toBe('Asia/Tokyo');
    await api.put(
      '/v1/notifications/preferences',
      { reminders: { workout: { time: '07:00', weekdays: ['tue'] } } },
      member.accessToken,
    );
    await planGenerated(member.user.id);
    expect(hhmm(new Date((await reminderRow(member.user.id)).next_at), 'Asia/Tokyo')).toBe('07:00');

    // The member moves: the reminder follows to 07:00 in Lisbon.
    expect(
      (await api.patch('/v1/me/profile', { timezone: 'Europe/Lisbon' }, member.accessToken)).status,
    ).toBe(200);
    await waitFor(async () => {
      const row = await reminderRow(member.user.id);
      return row.spec.timezone === 'Europe/Lisbon' ? row : undefined;
    });
    expect(hhmm(new Date((await reminderRow(member.user.id)).next_at), 'Europe/Lisbon')).toBe('07:00');

    // A zone of their own in the preferences wins over the profile's.
    await api.put(
      '/v1/notifications/preferences',
      { timezone: 'America/Chicago', reminders: { workout: { time: '07:00', weekdays: ['tue'] } } },
      member.accessToken,
    );
    expect((await reminderRow(member.user.id)).spec.timezone).toBe('America/Chicago');
    expect((await api.get('/v1/notifications/preferences', member.accessToken)).body).toMatchObject({
      timezone: 'America/Chicago',
      timezoneSource: 'preferences',
    });
  });

  it('catch up after downtime with the latest missed reminder only, once', async () => {
    const { member, tokens } = await memberWithDevices(api, 2);
    // Every day at a time 20 minutes ago; the scheduler has been down for three days.
    await api.put(
      '/v1/notifications/preferences',
      {
        timezone: 'Asia/Kolkata',
        reminders: { workout: { time: hhmm(minutesAgo(20), 'Asia/Kolkata'), weekdays: everyDay } },
      },
      member.accessToken,
    );
    await planGenerated(member.user.id);
    await reminderRow(member.user.id);
    await downSince(member.user.id, new Date(Date.now() - 3 * 86_400_000));

    const got = await waitFor(async () => {
      const all = tokens.flatMap(pushed);
      return all.length >= 2 ? all : undefined;
    });
    await settle(1500);
    for (const token of tokens) expect(pushed(token)).toHaveLength(1);
    const items = await inbox(member);
    expect(items).toHaveLength(1);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(minutesAgo(20));
    expect(items[0]).toMatchObject({
      kind: 'reminder.workout',
      category: 'workout_reminders',
      title: 'Time for your workout',
      data: { reminder: 'workout', localDate: today },
    });
    expect(got[0]!.data.notificationId).toBe(items[0]!.id);
    // Next due tomorrow at the same local time.
    const next = new Date((await reminderRow(member.user.id)).next_at);
    expect(next.getTime() - Date.now()).toBeGreaterThan(23 * 3600_000);
  });

  it('skip a reminder missed by more than the grace window', async () => {
    const member = await registerMember(api);
    await api.put(
      '/v1/notifications/preferences',
      { reminders: { workout: { time: hhmm(minutesAgo(90)), weekdays: everyDay } } },
      member.accessToken,
    );
    await planGenerated(member.user.id);
    await reminderRow(member.user.id);
    await downSince(member.user.id, new Date(Date.now() - 2 * 86_400_000));
    await waitFor(async () =>
      new Date((await reminderRow(member.user.id)).next_at).getTime() > Date.now() ? true : undefined,
    );
    expect(await inbox(member)).toEqual([]);
  });

  it('defer a reminder that falls in quiet hours to their end', async () => {
    const { member, tokens } = await memberWithDevices(api, 1);
    const end = wholeMinuteIn(3 * 3600_000);
    await api.put(
      '/v1/notifications/preferences',
      {
        quietHours: { start: hhmm(minutesAgo(60)), end: hhmm(end) },
        reminders: { workout: { time: hhmm(minutesAgo(5)), weekdays: everyDay } },
      },
      member.accessToken,
    );
    await planGenerated(member.user.id);
    await reminderRow(member.user.id);
    await downSince(member.user.id, minutesAgo(5));
    const item = await waitFor(async () => (await inbox(member))[0]);
    expect(item).toMatchObject({ kind: 'reminder.workout', push: 'pending' });
    const [delivery] = await db().query<{ next_attempt_at: Date }>(
      'SELECT next_attempt_at FROM deliveries WHERE notification_id = $1',
      [item.id],
    );
    expect(new Date(delivery!.next_attempt_at)).toEqual(end);
    await settle(1000);
    expect(pushed(tokens[0]!)).toEqual([]);
    // Deferred, never dropped: with the clock at the end of the quiet period, it goes out once.
    await drainAt(db(), fcm, end);
    expect(pushed(tokens[0]!)).toHaveLength(1);
    expect(pushed(tokens[0]!)[0]!.data.notificationId).toBe(item.id);
  });

  it('refuse bad reminder times with a stable code and store nothing', async () => {
    const member = await registerMember(api);
    const bad: [unknown, string][] = [
      [{ workout: { time: '7:00' } }, 'VALIDATION_FAILED'],
      [{ workout: { time: '24:00' } }, 'VALIDATION_FAILED'],
      [{ workout: { time: 'morning' } }, 'VALIDATION_FAILED'],
      [{ workout: {} }, 'VALIDATION_FAILED'],
      [{ workout: { time: '07:00', weekdays: [] } }, 'VALIDATION_FAILED'],
      [{ workout: { time: '07:00', weekdays: ['funday'] } }, 'VALIDATION_FAILED'],
      [{ workout: { time: '07:00', weekdays: ['mon', 'tue', 'mon'] } }, 'DUPLICATE_WEEKDAY'],
      [{ meals: { brunch: '11:00' } }, 'VALIDATION_FAILED'],
      [{ meals: { lunch: '12:60' } }, 'VALIDATION_FAILED'],
      [{ workout: { time: '07:00', at: 'gym' } }, 'VALIDATION_FAILED'],
      ['daily', 'VALIDATION_FAILED'],
    ];
    for (const [reminders, code] of bad) {
      const answer = await api.put('/v1/notifications/preferences', { reminders }, member.accessToken);
      expect(answer.status, JSON.stringify(reminders)).toBe(400);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body.code, JSON.stringify(reminders)).toBe(code);
    }
    const stored = await db().query('SELECT 1 FROM preferences WHERE user_id = $1', [member.user.id]);
    expect(stored).toEqual([]);
    expect((await api.get('/v1/notifications/preferences', member.accessToken)).body.reminders).toEqual({
      workout: { time: '08:00' },
      meals: {},
    });
  });
});

/** Nutrition's meal plan: `days` local dates from yesterday in `zone`, each with these meals. */
const mealPlan = (userId: string, zone: string, meals: { mealType: string; time: string }[], days = 7) => {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date());
  const date = (offset: number) =>
    new Date(Date.parse(`${today}T12:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
  return publishEvent(platform, nutritionEvents.planGenerated, 'nutrition.plan.generated', userId, {
    userId,
    planId: randomUUID(),
    source: 'fallback',
    reason: 'requested',
    timezone: zone,
    startsOn: date(-1),
    kcalTarget: 2200,
    proteinG: 140,
    carbsG: 250,
    fatG: 70,
    // From yesterday, so a time just past is on the plan whenever the test runs.
    days: Array.from({ length: days }, (_, i) => ({
      date: date(i - 1),
      meals: meals.map((m) => ({ ...m, kcal: 550 })),
    })),
    at: new Date().toISOString(),
  });
};

const mealRows = (userId: string) =>
  db().query<{ reminder: string; next_at: Date }>(
    `SELECT reminder, next_at FROM reminders WHERE user_id = $1 AND reminder LIKE 'meal:%' ORDER BY reminder`,
    [userId],
  );

describe('meal reminders', () => {
  it('follow the meal plan’s suggested times unless the member chose their own or none', async () => {
    const member = await registerMember(api);
    await api.put('/v1/notifications/preferences', { timezone: 'Europe/Madrid' }, member.accessToken);
    await mealPlan(member.user.id, 'Europe/Madrid', [
      { mealType: 'breakfast', time: '07:45' },
      { mealType: 'lunch', time: '14:00' },
      { mealType: 'dinner', time: '21:15' },
    ]);
    const rows = await waitFor(async () => {
      const found = await mealRows(member.user.id);
      return found.length === 3 ? found : undefined;
    });
    expect(rows.map((r) => [r.reminder, hhmm(new Date(r.next_at), 'Europe/Madrid')])).toEqual([
      ['meal:breakfast', '07:45'],
      ['meal:dinner', '21:15'],
      ['meal:lunch', '14:00'],
    ]);
    await api.put(
      '/v1/notifications/preferences',
      { timezone: 'Europe/Madrid', reminders: { meals: { lunch: '13:30', dinner: null } } },
      member.accessToken,
    );
    expect(
      (await mealRows(member.user.id)).map((r) => [r.reminder, hhmm(new Date(r.next_at), 'Europe/Madrid')]),
    ).toEqual([
      ['meal:breakfast', '07:45'],
      ['meal:lunch', '13:30'],
    ]);
  });

  it('remind of a meal due now once, with the meal in the message', async () => {
    const { member, tokens } = await memberWithDevices(api, 1);
    await api.put('/v1/notifications/preferences', { timezone: 'UTC' }, member.accessToken);
    await mealPlan(member.user.id, 'UTC', [{ mealType: 'lunch', time: hhmm(minutesAgo(10)) }]);
    await waitFor(async () => ((await mealRows(member.user.id)).length ? true : undefined));
    await downSince(member.user.id, minutesAgo(10));
    await waitFor(async () => (pushed(tokens[0]!).length ? true : undefined));
    await settle(1000);
    expect(pushed(tokens[0]!)).toHaveLength(1);
    expect(pushed(tokens[0]!)[0]).toMatchObject({ title: 'Time for lunch', data: { mealType: 'lunch' } });
    expect((await inbox(member)).map((n) => n.kind)).toEqual(['reminder.meal']);
  });
});
