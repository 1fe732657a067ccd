import {
  analyticsEvents,
  machineEvents,
  nutritionPhotoEvents,
  workoutEvents,
  type Notification,
} from '@nxg/contracts';
import type { Database } from '@nxg/platform';
import { connectLive, registerMember, startFcmStandIn, usePlatform, waitFor } from '@nxg/testing';
import { randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
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
    },
  },
});

const inbox = async (member: Member): Promise<Notification[]> =>
  (await api.get('/v1/notifications', member.accessToken)).body.items;
const db = () => platform.services.notification![0]!.app!.kit.db as Database;

const achievement = (userId: string, code: string, id?: string) =>
  publishEvent(
    platform,
    analyticsEvents.achievementUnlocked,
    'analytics.achievement.unlocked',
    userId,
    { userId, code, ruleVersion: 1, sourceEventId: randomUUID(), at: new Date().toISOString() },
    id,
  );

const record = (userId: string, logId: string, kind: string, value: number, previous: number | null) =>
  publishEvent(platform, analyticsEvents.recordSet, 'analytics.record.set', userId, {
    userId,
    exerciseName: 'Bench Press',
    kind,
    value,
    previous,
    weightKg: 80,
    reps: 5,
    logId,
    sourceEventId: randomUUID(),
    at: new Date().toISOString(),
  });

const award = (userId: string, points: number, at = new Date(), awardId = randomUUID(), id?: string) =>
  publishEvent(
    platform,
    analyticsEvents.pointsAwarded,
    'analytics.points.awarded',
    userId,
    {
      userId,
      awardId,
      ruleId: 'workout-day',
      ruleVersion: 1,
      points,
      reason: 'A workout day done',
      sourceEventId: randomUUID(),
      branchId: null,
      at: at.toISOString(),
    },
    id,
  );

describe('analytics triggers', () => {
  it('push an unlocked achievement once to each of the member’s devices, however often it is redelivered', async () => {
    const { member, tokens } = await memberWithDevices(api, 5);
    const id = uuidv7();
    for (let i = 0; i < 3; i++) await achievement(member.user.id, 'streak-7', id);
    const got = await waitFor(async () => {
      const all = tokens.flatMap((t) => fcm.delivered(t));
      return all.length >= 5 ? all : undefined;
    });
    await settle(1500);
    for (const token of tokens) {
      expect(fcm.delivered(token)).toHaveLength(1);
      expect(fcm.delivered(token)[0]).toMatchObject({
        title: 'Achievement unlocked: A week in a row',
        data: { code: 'streak-7' },
      });
    }
    const items = await inbox(member);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: got[0]!.data.notificationId, category: 'achievements' });
  });

  it('defer an achievement that comes in quiet hours to their end, then push it', async () => {
    // Quiet in Kathmandu (UTC+05:45) from an hour ago until three hours from now; the test then
    // holds the clock at the end of it.
    const zone = 'Asia/Kathmandu';
    const local = (d: Date) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: zone,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(d);
    const end = wholeMinuteIn(3 * 3600_000);
    const { member, tokens } = await memberWithDevices(api, 2);
    await api.put(
      '/v1/notifications/preferences',
      { quietHours: { start: local(new Date(Date.now() - 3600_000)), end: local(end) }, timezone: zone },
      member.accessToken,
    );
    await achievement(member.user.id, 'first-workout');
    const item = await waitFor(async () => (await inbox(member))[0]);
    expect(item.push).toBe('pending');
    const deliveries = await db().query<{ next_attempt_at: Date }>(
      'SELECT next_attempt_at FROM deliveries WHERE notification_id = $1',
      [item.id],
    );
    expect(deliveries.map((d) => new Date(d.next_attempt_at).toISOString())).toEqual([
      end.toISOString(),
      end.toISOString(),
    ]);
    await settle(1000);
    await drainAt(db(), fcm, new Date(end.getTime() - 60_000));
    for (const token of tokens) expect(fcm.delivered(token)).toEqual([]);
    await drainAt(db(), fcm, end);
    for (const token of tokens) {
      expect(fcm.delivered(token)).toHaveLength(1);
      expect(fcm.delivered(token)[0]).toMatchObject({
        title: 'Achievement unlocked: First workout',
        data: { notificationId: item.id },
      });
    }
  });

  it('tell of the records one set beat once', async () => {
    const { member, tokens } = await memberWithDevices(api, 1);
    const logId = randomUUID();
    await record(member.user.id, logId, 'heaviest', 82.5, 80);
    await record(member.user.id, logId, 'estimated_1rm', 96.25, 93.3);
    const [push] = await waitFor(async () => {
      const got = fcm.delivered(tokens[0]);
      return got.length ? got : undefined;
    });
    await settle(1500);
    expect(fcm.delivered(tokens[0])).toHaveLength(1);
    expect(push!.title).toBe('New personal record: Bench Press');
    expect(await inbox(member)).toHaveLength(1);
  });

  it('tell a points milestone once, when the total crosses it, and not one from long ago', async () => {
    const { member, tokens } = await memberWithDevices(api, 1);
    const awardId = randomUUID();
    const id = uuidv7();
    await award(member.user.id, 60, new Date(), awardId, id);
    await award(member.user.id, 60, new Date(), awardId, id); // redelivered: still 60
    await settle(1000);
    expect(await inbox(member)).toEqual([]);
    await award(member.user.id, 50); // 110: past 100
    const [push] = await waitFor(async () => {
      const got = fcm.delivered(tokens[0]);
      return got.length ? got : undefined;
    });
    expect(push).toMatchObject({ title: '100 points!', data: { milestone: '100' } });
    // An award from three days ago (the stream read from its start) passes 250 unannounced.
    await award(member.user.id, 200, new Date(Date.now() - 3 * 86_400_000));
    await award(member.user.id, 5);
    await settle(1500);
    expect((await inbox(member)).map((n) => n.kind)).toEqual(['points.milestone']);
    const [total] = await db().query<{ total: string }>(
      'SELECT total FROM member_points WHERE user_id = $1',
      [member.user.id],
    );
    expect(Number(total!.total)).toBe(315);
  });
});

const mealDetected = (userId: string, status: string, late: boolean, id?: string) =>
  publishEvent(
    platform,
    nutritionPhotoEvents.mealDetected,
    'nutrition.meal.detected',
    userId,
    {
      userId,
      mealId: randomUUID(),
      mealType: 'lunch',
      localDate: new Date().toISOString().slice(0, 10),
      status,
      source: 'ai',
      model: 'food-vision',
      modelVersion: '3',
      itemCount: 3,
      acceptedCount: 1,
      toConfirmCount: status === 'needs_confirmation' ? 2 : 0,
      manualCount: 0,
      minConfidence: 0.42,
      kcal: 640,
      proteinG: 30,
      carbsG: 70,
      fatG: 22,
      late,
      at: new Date().toISOString(),
    },
    id,
  );

describe('meal photos', () => {
  it('ask the member to confirm a meal detected with doubts, once however often it is redelivered', async () => {
    const { member, tokens } = await memberWithDevices(api, 2);
    const id = uuidv7();
    await mealDetected(member.user.id, 'needs_confirmation', false, id);
    await mealDetected(member.user.id, 'needs_confirmation', false, id);
    await mealDetected(member.user.id, 'detected', false); // sure of everything: nothing to ask
    await waitFor(async () => (tokens.every((t) => fcm.delivered(t).length >= 1) ? true : undefined));
    await settle(1500);
    for (const token of tokens) {
      expect(fcm.delivered(token)).toHaveLength(1);
      expect(fcm.delivered(token)[0]).toMatchObject({
        title: 'Check your meal',
        data: { mealType: 'lunch', status: 'needs_confirmation' },
      });
    }
    const items = await inbox(member);
    expect(items.map((n) => [n.kind, n.category])).toEqual([['meal.needs_confirmation', 'meal_reminders']]);
  });

  it('tell of a photo found unrecognisable only when that was found after the upload', async () => {
    const member = await registerMember(api);
    await mealDetected(member.user.id, 'manual_entry_needed', false);
    await mealDetected(member.user.id, 'manual_entry_needed', true);
    const [item] = await waitFor(async () => {
      const items = await inbox(member);
      return items.length ? items : undefined;
    });
    await settle(1000);
    expect(await inbox(member)).toHaveLength(1);
    expect(item).toMatchObject({
      kind: 'meal.manual_entry_needed',
      title: 'We could not recognise your meal',
    });
  });
});

describe('workout and machine triggers', () => {
  it('tell of a plan ready, a link lost to missed heartbeats and a session ended at closing, each once however often redelivered', async () => {
    const { member, tokens } = await memberWithDevices(api, 1);
    const userId = member.user.id;
    const [planEvent, linkEvent, sessionEvent] = [uuidv7(), uuidv7(), uuidv7()];
    const [branchId, machineId] = [randomUUID(), randomUUID()];
    const unlinked = (reason: string, id?: string) =>
      publishEvent(
        platform,
        machineEvents.machineUnlinked,
        `machines.${branchId}.${machineId}.unlinked`,
        userId,
        { machineId, branchId, linkId: randomUUID(), userId, reason, at: new Date().toISOString() },
        id,
      );
    for (let i = 0; i < 3; i++) {
      await publishEvent(
        platform,
        workoutEvents.planGenerated,
        'workout.plan.generated',
        userId,
        { userId, planId: 'plan-1', source: 'fallback', daysPerWeek: 4, at: new Date().toISOString() },
        planEvent,
      );
      await unlinked('heartbeat_lost', linkEvent);
      await publishEvent(
        platform,
        workoutEvents.sessionEnded,
        'workout.session.ended',
        userId,
        {
          userId,
          sessionId: randomUUID(),
          branchId,
          reason: 'branch_closed',
          durationMinutes: 1,
          at: new Date().toISOString(),
        },
        sessionEvent,
      );
    }
    // Links the member ended, or staff did: nothing to tell.
    await unlinked('member');
    await unlinked('maintenance');
    await waitFor(async () => (fcm.delivered(tokens[0]).length >= 3 ? true : undefined));
    await settle(1500);
    const items = await inbox(member);
    expect(items.map((n) => n.kind).sort()).toEqual(['machine.link_lost', 'plan.ready', 'session.ended']);
    expect(
      fcm
        .delivered(tokens[0])
        .map((d) => d.title)
        .sort(),
    ).toEqual([
      'Lost the connection to your machine',
      'Your gym session has ended',
      'Your workout plan is ready',
    ]);
    const closing = items.find((n) => n.kind === 'session.ended')!;
    expect(closing).toMatchObject({ category: 'sessions', data: { reason: 'branch_closed' } });
    expect(closing.body).toBe('The gym is closing, so your session ended after 1 minute.');
    expect(items.find((n) => n.kind === 'plan.ready')).toMatchObject({
      category: 'workout_reminders',
      data: { planId: 'plan-1' },
    });
  });
});

describe('live feed', () => {
  it('carry every notification to the member’s live feed, pushed or not', async () => {
    const member = await registerMember(api); // no device: nothing to push
    const live = connectLive(platform.gatewayUrl, member.accessToken);
    await live.next((m) => m.type === 'ready');
    await achievement(member.user.id, 'first-record');
    const message = await live.next((m) => m.type === 'notification', 10_000);
    const [item] = await waitFor(async () => {
      const items = await inbox(member);
      return items.length ? items : undefined;
    });
    expect(item!.push).toBe('skipped');
    expect(message.data).toMatchObject({
      id: item!.id,
      title: 'Achievement unlocked: Personal best',
      kind: 'achievement.unlocked',
    });
    live.socket.close();
  });
});
