import { randomBytes, randomUUID } from 'node:crypto';
import type { Notification } from '@nxg/contracts';
import { openDatabase } from '@nxg/platform';
import { readEvents, registerMember, startFcmStandIn, usePlatform, waitFor } from '@nxg/testing';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, describe, expect, it } from 'vitest';

// Real processes: two notification replicas sharing one database, killed with SIGKILL mid-batch.
// Replicas share one database, which needs a PostgreSQL server (PGlite is one process's).
const withServer = Boolean(process.env.DATABASE_URL);
const fcm = await startFcmStandIn();
afterAll(() => fcm.close());

const { platform, api } = usePlatform(
  {
    processes: true,
    replicas: { notification: 2 },
    env: {
      notification: {
        FCM_PROJECT_ID: fcm.projectId,
        FCM_STAND_IN_URL: fcm.url,
        PUSH_DRAIN_INTERVAL_MS: '100',
        PUSH_BATCH_SIZE: '4',
        PUSH_RETRY_BASE_MS: '200',
        // A killed replica's claims lapse after this; the other replica (or its restart) takes them.
        PUSH_LEASE_S: '3',
        // Both replicas look for due reminders often, so they race for each one.
        REMINDER_TICK_MS: '100',
      },
    },
  },
  { when: withServer },
);
const startedAt = new Date();

const fcmToken = () =>
  `${randomBytes(11).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;

/** `count` members with two phones each, and an idle session end for each of them. */
async function notifyMembers(count: number) {
  const members = [];
  for (let i = 0; i < count; i++) {
    const member = await registerMember(api);
    const tokens = [fcmToken(), fcmToken()];
    for (const token of tokens) {
      const answer = await api.post(
        '/v1/notifications/devices',
        { token, platform: 'ios' },
        member.accessToken,
      );
      expect(answer.status).toBe(201);
    }
    members.push({ member, tokens });
  }
  for (const { member } of members) {
    const userId = member.user.id;
    await platform.publishEvent(
      'workout.session.ended',
      {
        id: uuidv7(),
        type: 'workout.session.ended',
        source: 'workout',
        time: new Date().toISOString(),
        subject: userId,
        dataVersion: 1,
        data: {
          userId,
          sessionId: randomUUID(),
          branchId: randomUUID(),
          reason: 'branch_closed',
          durationMinutes: 60,
          at: new Date().toISOString(),
        },
      },
      { msgId: randomUUID() },
    );
  }
  return members;
}

type Members = Awaited<ReturnType<typeof notifyMembers>>;

const everyDeviceGotOne = (members: Members) =>
  waitFor(
    async () =>
      members.every(({ tokens }) => tokens.every((t) => fcm.delivered(t).length >= 1)) ? true : undefined,
    60_000,
  );

/** Each member's inbox holds their one notification, pushed, and notification.sent said so once. */
async function expectSettledOnce(members: Members) {
  const ids: string[] = [];
  for (const { member } of members) {
    const items: Notification[] = await waitFor(async () => {
      const page = (await api.get('/v1/notifications', member.accessToken)).body.items as Notification[];
      return page[0]?.push === 'sent' ? page : undefined;
    }, 30_000);
    expect(items).toHaveLength(1);
    ids.push(items[0]!.id);
  }
  const sent = await readEvents(platform.nc, {
    stream: 'NOTIFICATION',
    subject: 'notification.sent',
    since: startedAt,
    where: (e) => ids.includes((e.data as { notificationId: string }).notificationId),
    quietMs: 1500,
  });
  expect(sent.map((e) => (e.data as { notificationId: string }).notificationId).sort()).toEqual(ids.sort());
}

describe.skipIf(!withServer)('several replicas', () => {
  it('send each push once between them', async () => {
    const members = await notifyMembers(8);
    await everyDeviceGotOne(members);
    await new Promise((r) => setTimeout(r, 1500));
    for (const { tokens } of members) for (const t of tokens) expect(fcm.delivered(t)).toHaveLength(1);
    await expectSettledOnce(members);
  });

  it('lose nothing when killed mid-batch, and repeat only what was in flight, under its collapse key', async () => {
    // FCM answers slowly, so both replicas are in the middle of a round when they die.
    fcm.stall(4000);
    const members = await notifyMembers(6);
    const tokens = members.flatMap((m) => m.tokens);
    await waitFor(async () =>
      fcm.requests().filter((r) => tokens.includes(tokenOf(r))).length ? true : undefined,
    );
    const [a, b] = platform.services.notification!;
    await Promise.all([a!.kill(), b!.kill()]);
    // What reached FCM before the kill: only these may go twice.
    const inFlight = new Set(fcm.requests().map(tokenOf));
    fcm.heal();
    await Promise.all([a!.restart(), b!.restart()]);

    await everyDeviceGotOne(members);
    await new Promise((r) => setTimeout(r, 1500));
    for (const token of tokens) {
      const got = fcm.delivered(token);
      // A push FCM took just before the kill may go again after the restart: the phone shows one,
      // since both carry the notification's id as collapse key.
      expect(new Set(got.map((d) => d.collapseKey)).size, token).toBe(1);
      expect(got[0]!.collapseKey).toBe(got[0]!.data.notificationId);
      if (got.length > 1) expect(inFlight.has(token), token).toBe(true);
      expect(got.length).toBeLessThanOrEqual(2);
    }
    await expectSettledOnce(members);
  }, 120_000);
});

function tokenOf(request: { body: unknown }): string {
  return (request.body as { message?: { token?: string } })?.message?.token ?? '';
}

describe.skipIf(!withServer)('several replicas, scheduled reminders', () => {
  it('send each reminder once between them', async () => {
    // Every day at a local time five minutes ago (UTC); once each member's reminder is scheduled
    // (for tomorrow), it is made due now, as after a short downtime: both replicas, looking every
    // 100 ms, race for each one.
    const time = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
    const members: { member: Awaited<ReturnType<typeof registerMember>>; token: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const member = await registerMember(api);
      const token = fcmToken();
      expect(
        (await api.post('/v1/notifications/devices', { token, platform: 'android' }, member.accessToken))
          .status,
      ).toBe(201);
      const put = await api.put(
        '/v1/notifications/preferences',
        {
          timezone: 'UTC',
          reminders: { workout: { time, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] } },
        },
        member.accessToken,
      );
      expect(put.status).toBe(200);
      const userId = member.user.id;
      await platform.publishEvent(
        'workout.plan.generated',
        {
          id: uuidv7(),
          type: 'workout.plan.generated',
          source: 'workout',
          time: new Date().toISOString(),
          subject: userId,
          dataVersion: 1,
          data: {
            userId,
            planId: randomUUID(),
            source: 'fallback',
            daysPerWeek: 3,
            at: new Date().toISOString(),
          },
        },
        { msgId: randomUUID() },
      );
      members.push({ member, token });
    }
    const db = await openDatabase({
      service: 'notification',
      url: process.env.DATABASE_URL,
      name: platform.services.notification![0]!.env.DATABASE_NAME,
      dataDir: '',
      poolSize: 1,
    });
    let due = 0;
    try {
      const ids = members.map((m) => m.member.user.id);
      await waitFor(async () => {
        const [row] = await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM reminders WHERE user_id = ANY($1::uuid[]) AND next_at > now()`,
          [ids],
        );
        return row!.n === ids.length ? true : undefined;
      });
      due = Date.now();
      await db.query(
        `UPDATE reminders SET next_at = now() - interval '5 minutes' WHERE user_id = ANY($1::uuid[])`,
        [ids],
      );
    } finally {
      await db.close();
    }
    const reminders = (token: string) => fcm.delivered(token).filter((d) => d.data.reminder === 'workout');
    await waitFor(
      async () => (members.every(({ token }) => reminders(token).length >= 1) ? true : undefined),
      30_000,
    );
    await new Promise((r) => setTimeout(r, 2000));
    for (const { member, token } of members) {
      expect(reminders(token)).toHaveLength(1);
      expect(reminders(token)[0]!.at).toBeGreaterThanOrEqual(due);
      const items = (await api.get('/v1/notifications', member.accessToken)).body.items as Notification[];
      expect(items.filter((n) => n.kind === 'reminder.workout')).toHaveLength(1);
    }
  }, 60_000);
});
