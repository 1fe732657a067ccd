import { randomUUID } from 'node:crypto';
import {
  identityEvents,
  machineEvents,
  workoutEvents,
  type EventDefinition,
  type Notification,
} from '@nxg/contracts';
import type { Database } from '@nxg/platform';
import { readEvents, registerMember, startFcmStandIn, usePlatform, waitFor } from '@nxg/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, describe, expect, it } from 'vitest';
import {
  drainAt,
  fcmToken,
  memberWithDevices as withDevices,
  publishEvent,
  settle,
  tokenOf,
  wholeMinuteIn,
  type Member,
} from './test-support.ts';

const fcm = await startFcmStandIn();
afterAll(() => fcm.close());

const { platform, api } = usePlatform({
  replicas: { notification: 1, workout: 1 },
  env: {
    notification: {
      FCM_PROJECT_ID: fcm.projectId,
      FCM_STAND_IN_URL: fcm.url,
      PUSH_DRAIN_INTERVAL_MS: '100',
      PUSH_RETRY_BASE_MS: '200',
      PUSH_RETRY_MAX_MS: '2000',
      PUSH_MEMBER_LIMIT: '3',
      PUSH_MEMBER_WINDOW_S: '4',
    },
  },
});
const startedAt = new Date();

const memberWithDevices = (devices: number) => withDevices(api, devices);

/** Publishes an event as its owner would; `id` again: the same event redelivered (another message id). */
const publish = <E extends EventDefinition>(
  event: E,
  natsSubject: string,
  userId: string,
  data: Record<string, unknown>,
  id?: string,
) => publishEvent(platform, event, natsSubject, userId, data, id);

const idleEnd = (userId: string, id?: string) =>
  publish(
    workoutEvents.sessionEnded,
    'workout.session.ended',
    userId,
    {
      userId,
      sessionId: randomUUID(),
      branchId: randomUUID(),
      reason: 'idle',
      durationMinutes: 47,
      at: new Date().toISOString(),
    },
    id,
  );

const inbox = async (member: Member): Promise<Notification[]> =>
  (await api.get('/v1/notifications', member.accessToken)).body.items;
/** The newest notification of the member once `ready` says so. */
const newest = (member: Member, ready: (n: Notification) => boolean = () => true) =>
  waitFor(async () => {
    const [first] = await inbox(member);
    return first && ready(first) ? first : undefined;
  });
const db = () => platform.services.notification![0]!.app!.kit.db as Database;

describe('devices and preferences', () => {
  it('register, refresh (same device) and remove a member’s devices', async () => {
    const member = await registerMember(api);
    const token = fcmToken();
    const first = await api.post('/v1/notifications/devices', { token, platform: 'ios' }, member.accessToken);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ platform: 'ios' });
    expect(first.body.token).toBeUndefined();
    const refreshed = await api.post(
      '/v1/notifications/devices',
      { token, platform: 'ios' },
      member.accessToken,
    );
    expect(refreshed.body.id).toBe(first.body.id);
    expect(Date.parse(refreshed.body.refreshedAt)).toBeGreaterThan(Date.parse(first.body.refreshedAt));
    expect(refreshed.body.createdAt).toBe(first.body.createdAt);

    const stranger = await registerMember(api);
    expect(
      (await api.delete(`/v1/notifications/devices/${first.body.id}`, stranger.accessToken)).status,
    ).toBe(404);
    expect((await api.delete(`/v1/notifications/devices/${first.body.id}`, member.accessToken)).status).toBe(
      204,
    );
    const again = await api.delete(`/v1/notifications/devices/${first.body.id}`, member.accessToken);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('DEVICE_NOT_FOUND');
  });

  it('move a token to the member who registers it last, and push it only to them', async () => {
    const first = await memberWithDevices(1);
    const second = await registerMember(api);
    const token = first.tokens[0]!;
    const moved = await api.post(
      '/v1/notifications/devices',
      { token, platform: 'android' },
      second.accessToken,
    );
    expect(moved.status).toBe(201);
    expect(moved.body.id).not.toBe(first.ids[0]);
    expect(
      (await api.delete(`/v1/notifications/devices/${first.ids[0]}`, first.member.accessToken)).status,
    ).toBe(404);

    await idleEnd(first.member.user.id);
    expect((await newest(first.member)).push).toBe('skipped');
    await idleEnd(second.user.id);
    await waitFor(async () => (fcm.delivered(token).length === 1 ? true : undefined));
    await settle(500);
    expect(fcm.delivered(token)).toHaveLength(1);
    expect((await newest(second, (n) => n.push === 'sent')).id).toBe(
      fcm.delivered(token)[0]!.data.notificationId,
    );
  });

  it('move a token without the first member’s pushes still waiting for it', async () => {
    const first = await memberWithDevices(1);
    const token = first.tokens[0]!;
    // The first member's notification waits for the end of their quiet hours.
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const end = wholeMinuteIn(3 * 3600_000);
    await api.put(
      '/v1/notifications/preferences',
      { quietHours: { start: hhmm(new Date(Date.now() - 3600_000)), end: hhmm(end) }, timezone: 'UTC' },
      first.member.accessToken,
    );
    await idleEnd(first.member.user.id);
    const waiting = await newest(first.member);
    expect(waiting.push).toBe('pending');
    // The phone changes hands before then: the new holder never sees the first member's push.
    const second = await registerMember(api);
    expect(
      (await api.post('/v1/notifications/devices', { token, platform: 'ios' }, second.accessToken)).status,
    ).toBe(201);
    await drainAt(db(), fcm, end);
    expect(fcm.requests().filter((r) => tokenOf(r) === token)).toEqual([]);
    const rows = await db().query<{ status: string }>(
      'SELECT status FROM deliveries WHERE notification_id = $1',
      [waiting.id],
    );
    expect(rows).toEqual([{ status: 'dropped' }]);
  });

  it('store preferences per category with quiet hours in the member’s time zone', async () => {
    const member = await registerMember(api);
    // Nothing chosen yet: the time zone is the profile's, once identity's event has arrived.
    const defaults = await waitFor(async () => {
      const answer = await api.get('/v1/notifications/preferences', member.accessToken);
      return answer.body.timezoneSource === 'profile' ? answer : undefined;
    });
    expect(defaults.body).toEqual({
      categories: {
        workout_reminders: true,
        meal_reminders: true,
        achievements: true,
        social: true,
        sessions: true,
      },
      quietHours: null,
      timezone: 'UTC',
      timezoneSource: 'profile',
      reminders: { workout: { time: '08:00' }, meals: {} },
    });
    const put = await api.put(
      '/v1/notifications/preferences',
      {
        categories: { social: false },
        quietHours: { start: '22:30', end: '06:45' },
        timezone: 'europe/berlin',
      },
      member.accessToken,
    );
    expect(put.status).toBe(200);
    expect((await api.get('/v1/notifications/preferences', member.accessToken)).body).toEqual({
      categories: {
        workout_reminders: true,
        meal_reminders: true,
        achievements: true,
        social: false,
        sessions: true,
      },
      quietHours: { start: '22:30', end: '06:45' },
      timezone: 'Europe/Berlin',
      timezoneSource: 'preferences',
      reminders: { workout: { time: '08:00' }, meals: {} },
    });
  });

  it('refuse bad input with a stable code and store nothing', async () => {
    const member = await registerMember(api);
    const devices: [unknown, string][] = [
      [{ token: '', platform: 'ios' }, 'VALIDATION_FAILED'],
      [{ token: 'a'.repeat(5000), platform: 'ios' }, 'VALIDATION_FAILED'],
      [{ token: `${fcmToken()} <script>`, platform: 'ios' }, 'VALIDATION_FAILED'],
      [{ token: fcmToken(), platform: 'blackberry' }, 'VALIDATION_FAILED'],
      [{ token: fcmToken() }, 'VALIDATION_FAILED'],
      [{ token: fcmToken(), platform: 'ios', userId: randomUUID() }, 'VALIDATION_FAILED'],
      ['just a token', 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of devices) {
      const answer = await api.post('/v1/notifications/devices', body, member.accessToken);
      expect(answer.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(answer.body.code).toBe(code);
    }
    // A body far beyond any token is turned away before it is read whole.
    const huge = await api.post(
      '/v1/notifications/devices',
      { token: 'a'.repeat(64 * 1024), platform: 'ios' },
      member.accessToken,
    );
    expect(huge.status).toBe(413);
    expect(huge.headers.get('content-type')).toContain('application/problem+json');
    const preferences: [unknown, string][] = [
      [{ timezone: 'Mars/Olympus_Mons' }, 'UNKNOWN_TIMEZONE'],
      [{ quietHours: { start: '25:00', end: '07:00' } }, 'VALIDATION_FAILED'],
      [{ quietHours: { start: 'late', end: 'early' } }, 'VALIDATION_FAILED'],
      [{ quietHours: { start: '22:00', end: '22:00' } }, 'EMPTY_QUIET_HOURS'],
      [{ categories: { horoscopes: false } }, 'VALIDATION_FAILED'],
      [{ categories: { social: 'no' } }, 'VALIDATION_FAILED'],
      // A good part beside a bad one: nothing of it is kept.
      [{ categories: { social: false }, timezone: 'Europe/Nowhere' }, 'UNKNOWN_TIMEZONE'],
      [{ categories: { social: false }, quietHours: { start: '07:00', end: '07:00' } }, 'EMPTY_QUIET_HOURS'],
      [{ timezone: 'Europe/Berlin', quietHours: { start: '22:00' } }, 'VALIDATION_FAILED'],
    ];
    for (const [body, code] of preferences) {
      const answer = await api.put('/v1/notifications/preferences', body, member.accessToken);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.code).toBe(code);
    }
    expect((await api.get('/v1/notifications/preferences', member.accessToken)).body.timezone).toBe('UTC');
    const [row] = await db().query<{ devices: number; preferences: number }>(
      `SELECT (SELECT count(*) FROM devices WHERE user_id = $1)::int AS devices,
              (SELECT count(*) FROM preferences WHERE user_id = $1)::int AS preferences`,
      [member.user.id],
    );
    expect(row).toEqual({ devices: 0, preferences: 0 });
    // Ids that are not ids, and a cursor this list never gave out: 400, never 500.
    for (const [answer, code] of [
      [await api.delete('/v1/notifications/devices/not-a-device', member.accessToken), 'VALIDATION_FAILED'],
      [await api.post('/v1/notifications/42/read', undefined, member.accessToken), 'VALIDATION_FAILED'],
      [await api.get('/v1/notifications?limit=0', member.accessToken), 'VALIDATION_FAILED'],
      [await api.get('/v1/notifications?limit=1000', member.accessToken), 'VALIDATION_FAILED'],
      [await api.get('/v1/notifications?cursor=bm90LWEtY3Vyc29y', member.accessToken), 'INVALID_CURSOR'],
    ] as const) {
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe(code);
    }
    // A well-formed cursor holding values that are not a time and an id.
    const forged = Buffer.from(JSON.stringify(['yesterday', 'someone'])).toString('base64url');
    const answer = await api.get(`/v1/notifications?cursor=${forged}`, member.accessToken);
    expect(answer.status).toBe(400);
    expect((await api.post('/v1/notifications/devices', { token: fcmToken(), platform: 'ios' })).status).toBe(
      401,
    );
  });
});

describe('push delivery', () => {
  it('sends an event’s notification once to each of the member’s devices, and keeps it in the inbox', async () => {
    const { member, tokens } = await memberWithDevices(3);
    const event = await idleEnd(member.user.id);
    const got = await waitFor(async () => {
      const all = tokens.flatMap((t) => fcm.delivered(t));
      return all.length >= 3 ? all : undefined;
    });
    for (const token of tokens) expect(fcm.delivered(token)).toHaveLength(1);
    expect(got[0]).toMatchObject({ title: 'Your gym session has ended', data: { reason: 'idle' } });
    expect(got[0]!.body).toContain('47 minutes');
    // A resend after a crash would replace it on the phone, not double it.
    expect(got[0]!.collapseKey).toBe(got[0]!.data.notificationId);

    const item = await newest(member, (n) => n.push === 'sent');
    expect(item).toMatchObject({
      id: got[0]!.data.notificationId,
      category: 'sessions',
      kind: 'session.ended',
      readAt: null,
    });
    const read = await api.post(`/v1/notifications/${item.id}/read`, undefined, member.accessToken);
    expect(read.status).toBe(200);
    expect(read.body.readAt).not.toBeNull();
    const stranger = await registerMember(api);
    const notMine = await api.post(`/v1/notifications/${item.id}/read`, undefined, stranger.accessToken);
    expect(notMine.body.code).toBe('NOTIFICATION_NOT_FOUND');

    const [sent] = await readEvents(platform.nc, {
      stream: 'NOTIFICATION',
      subject: 'notification.sent',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(sent!.data).toMatchObject({ notificationId: item.id, devices: 3, failedDevices: 0 });
    void event;
  });

  it('makes one notification of an event however often it is delivered', async () => {
    const { member, tokens } = await memberWithDevices(2);
    const id = uuidv7();
    await idleEnd(member.user.id, id);
    await idleEnd(member.user.id, id);
    await idleEnd(member.user.id, id);
    await waitFor(async () => (tokens.every((t) => fcm.delivered(t).length >= 1) ? true : undefined));
    await settle(1500);
    expect(await inbox(member)).toHaveLength(1);
    for (const token of tokens) expect(fcm.delivered(token)).toHaveLength(1);
  });

  it('stores but does not push a category the member turned off, nor a check-out', async () => {
    const { member, tokens } = await memberWithDevices(1);
    await api.put('/v1/notifications/preferences', { categories: { sessions: false } }, member.accessToken);
    await idleEnd(member.user.id);
    const item = await newest(member);
    expect(item.push).toBe('skipped');
    await publish(workoutEvents.sessionEnded, 'workout.session.ended', member.user.id, {
      userId: member.user.id,
      sessionId: randomUUID(),
      branchId: randomUUID(),
      reason: 'check-out',
      durationMinutes: 5,
      at: new Date().toISOString(),
    });
    await settle(1500);
    expect(await inbox(member)).toHaveLength(1);
    expect(fcm.delivered(tokens[0])).toEqual([]);
  });

  it('removes only the token FCM calls unregistered, at once', async () => {
    const { member, tokens, ids } = await memberWithDevices(2);
    fcm.unregister(tokens[0]!);
    await idleEnd(member.user.id);
    await waitFor(async () => (fcm.delivered(tokens[1]).length === 1 ? true : undefined));
    const gone = await waitFor(async () => {
      const answer = await api.delete(`/v1/notifications/devices/${ids[0]}`, member.accessToken);
      return answer.status === 404 ? answer : undefined;
    });
    expect(gone.body.code).toBe('DEVICE_NOT_FOUND');
    const attemptsOnDead = fcm.requests().filter((r) => tokenOf(r) === tokens[0]).length;
    expect(attemptsOnDead).toBe(1);

    // The next notification goes to the living device only.
    await publish(
      machineEvents.machineUnlinked,
      `machines.${randomUUID()}.${randomUUID()}.unlinked`,
      member.user.id,
      {
        machineId: randomUUID(),
        branchId: randomUUID(),
        linkId: randomUUID(),
        userId: member.user.id,
        reason: 'heartbeat_lost',
        at: new Date().toISOString(),
      },
    );
    await waitFor(async () => (fcm.delivered(tokens[1]).length === 2 ? true : undefined));
    expect(fcm.requests().filter((r) => tokenOf(r) === tokens[0])).toHaveLength(1);
    expect(fcm.delivered(tokens[1])[1]).toMatchObject({ title: 'Lost the connection to your machine' });
  });

  it('announces notification.failed when no device could take it, and keeps it in the inbox', async () => {
    const { member, tokens } = await memberWithDevices(1);
    fcm.unregister(tokens[0]!);
    await idleEnd(member.user.id);
    const item = await newest(member, (n) => n.push === 'failed');
    const [failed] = await readEvents(platform.nc, {
      stream: 'NOTIFICATION',
      subject: 'notification.failed',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(failed!.data).toMatchObject({
      notificationId: item.id,
      userId: member.user.id,
      category: 'sessions',
      kind: 'session.ended',
      failedDevices: 1,
    });
    expect((failed!.data as { reason: string }).reason).toContain('registration-token-not-registered');
    const sent = await readEvents(platform.nc, {
      stream: 'NOTIFICATION',
      subject: 'notification.sent',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      quietMs: 500,
    });
    expect(sent).toEqual([]);
  });

  it('retries while FCM is down, and delivers each device exactly once when it is back', async () => {
    const { member, tokens } = await memberWithDevices(2);
    fcm.fail({ status: 500, times: 6 });
    await idleEnd(member.user.id);
    await waitFor(async () => (tokens.every((t) => fcm.delivered(t).length >= 1) ? true : undefined), 30_000);
    await settle(1000);
    for (const token of tokens) expect(fcm.delivered(token)).toHaveLength(1);
    const failedAttempts = fcm
      .requests()
      .filter((r) => tokens.includes(tokenOf(r) ?? '') && r.status === 500).length;
    expect(failedAttempts).toBeGreaterThan(0);
    fcm.heal();
  });

  it('waits for FCM’s Retry-After when it rate limits', async () => {
    const { member, tokens } = await memberWithDevices(1);
    fcm.fail({ status: 429, retryAfterS: 2, times: 1 });
    await idleEnd(member.user.id);
    await waitFor(async () => (fcm.delivered(tokens[0]).length === 1 ? true : undefined), 30_000);
    const attempts = fcm.requests().filter((r) => tokenOf(r) === tokens[0]);
    expect(attempts.map((a) => a.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it('holds back a burst beyond the member’s push limit, then sends it', async () => {
    const { member, tokens } = await memberWithDevices(1);
    for (let i = 0; i < 5; i++) await idleEnd(member.user.id);
    await waitFor(async () => ((await inbox(member)).length === 5 ? true : undefined));
    await waitFor(async () => (fcm.delivered(tokens[0]).length >= 3 ? true : undefined));
    const pushes = await waitFor(async () => {
      const got = fcm.delivered(tokens[0]);
      return got.length === 5 ? got : undefined;
    });
    // At most three in any four seconds (the test platform's limit).
    expect(pushes[3]!.at - pushes[0]!.at).toBeGreaterThanOrEqual(3000);
  });

  it('defers a push in quiet hours to their end, never drops it', async () => {
    // Quiet (UTC) from an hour ago until three hours from now; the test then holds the clock.
    const hhmm = (d: Date) => d.toISOString().slice(11, 16);
    const end = wholeMinuteIn(3 * 3600_000);
    const { member, tokens } = await memberWithDevices(1);
    await api.put(
      '/v1/notifications/preferences',
      { quietHours: { start: hhmm(new Date(Date.now() - 3600_000)), end: hhmm(end) }, timezone: 'UTC' },
      member.accessToken,
    );
    await idleEnd(member.user.id);
    const item = await newest(member);
    expect(item.push).toBe('pending');
    const [delivery] = await db().query<{ next_attempt_at: Date }>(
      'SELECT d.next_attempt_at FROM deliveries d WHERE d.notification_id = $1',
      [item.id],
    );
    expect(new Date(delivery!.next_attempt_at).toISOString()).toBe(end.toISOString());
    // The service's drain (every 100 ms) leaves it alone, and so does one a minute before the end.
    await settle(1000);
    await drainAt(db(), fcm, new Date(end.getTime() - 60_000));
    expect(fcm.delivered(tokens[0])).toEqual([]);
    // At the end of the quiet period it goes out, once.
    await drainAt(db(), fcm, end);
    expect(fcm.delivered(tokens[0])).toHaveLength(1);
    expect(fcm.delivered(tokens[0])[0]!.data.notificationId).toBe(item.id);
    expect((await newest(member, (n) => n.push === 'sent')).id).toBe(item.id);
    await drainAt(db(), fcm, end);
    expect(fcm.delivered(tokens[0])).toHaveLength(1);
  });
});

describe('inbox', () => {
  it('lists a member’s notifications newest first, page by page, and marks one read', async () => {
    const member = await registerMember(api); // no device: inbox only
    for (let i = 1; i <= 3; i++) {
      await idleEnd(member.user.id);
      await waitFor(async () => ((await inbox(member)).length === i ? true : undefined));
    }
    const all = await inbox(member);
    // uuid v7 ids grow with time: newest first is descending ids and times.
    expect(all.map((n) => n.id)).toEqual(
      all
        .map((n) => n.id)
        .sort()
        .reverse(),
    );
    expect(all.map((n) => n.createdAt)).toEqual(
      all
        .map((n) => n.createdAt)
        .sort()
        .reverse(),
    );
    const first = await api.get('/v1/notifications?limit=2', member.accessToken);
    expect(first.body.items.map((n: Notification) => n.id)).toEqual(all.slice(0, 2).map((n) => n.id));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(
      `/v1/notifications?limit=2&cursor=${first.body.nextCursor}`,
      member.accessToken,
    );
    expect(second.body).toEqual({ items: [all[2]], nextCursor: null });

    const read = await api.post(`/v1/notifications/${all[1]!.id}/read`, undefined, member.accessToken);
    expect(read.status).toBe(200);
    const readAt = read.body.readAt as string;
    expect(Date.parse(readAt)).toBeGreaterThan(Date.parse(all[1]!.createdAt) - 1);
    // Reading it again keeps the first time; the others stay unread.
    const again = await api.post(`/v1/notifications/${all[1]!.id}/read`, undefined, member.accessToken);
    expect(again.body.readAt).toBe(readAt);
    expect((await inbox(member)).map((n) => n.readAt)).toEqual([null, readAt, null]);
  });
});

describe('triggers and erasure', () => {
  it('tells a member their plan is ready when workout made one', async () => {
    const { member, tokens } = await memberWithDevices(1);
    const plan = await api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, member.accessToken);
    expect(plan.status).toBe(201);
    const [push] = await waitFor(async () => {
      const got = fcm.delivered(tokens[0]);
      return got.length ? got : undefined;
    });
    expect(push).toMatchObject({ title: 'Your workout plan is ready', data: { planId: plan.body.id } });
  });

  it('erases a deleted account’s devices, preferences, inbox, reminders and time zone', async () => {
    const { member } = await memberWithDevices(2);
    await api.put('/v1/notifications/preferences', { timezone: 'Asia/Tokyo' }, member.accessToken);
    await api.post('/v1/workouts/plans/generate', { daysPerWeek: 2 }, member.accessToken);
    await waitFor(async () =>
      (await db().query('SELECT 1 FROM reminders WHERE user_id = $1', [member.user.id])).length
        ? true
        : undefined,
    );
    await idleEnd(member.user.id);
    await waitFor(async () => ((await inbox(member)).length ? true : undefined));
    await publish(identityEvents.userDeleted, 'identity.user.deleted', member.user.id, {
      userId: member.user.id,
      deletedAt: new Date().toISOString(),
    });
    await waitFor(async () => {
      const [left] = await db().query<{ n: number }>(
        `SELECT (SELECT count(*) FROM devices WHERE user_id = $1) + (SELECT count(*) FROM notifications WHERE user_id = $1)
           + (SELECT count(*) FROM preferences WHERE user_id = $1) + (SELECT count(*) FROM member_timezones WHERE user_id = $1)
           + (SELECT count(*) FROM reminders WHERE user_id = $1) + (SELECT count(*) FROM workout_plans WHERE user_id = $1) AS n`,
        [member.user.id],
      );
      return Number(left!.n) === 0 ? true : undefined;
    });
    // A late event about the erased member stores nothing again.
    await idleEnd(member.user.id);
    await api.post('/v1/workouts/plans/generate', { daysPerWeek: 4 }, member.accessToken);
    await settle(1500);
    const [after] = await db().query<{ n: number }>(
      `SELECT (SELECT count(*) FROM notifications WHERE user_id = $1) + (SELECT count(*) FROM workout_plans WHERE user_id = $1)
         + (SELECT count(*) FROM reminders WHERE user_id = $1) AS n`,
      [member.user.id],
    );
    expect(Number(after!.n)).toBe(0);
  });
});
