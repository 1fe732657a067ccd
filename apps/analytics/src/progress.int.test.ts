import { randomUUID } from 'node:crypto';
import { machineEvents, workoutEvents } from '@nxg/contracts';
import { adminEnv, openGym, readEvents, registerMember, usePlatform, waitFor, type Gym } from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyticsCaughtUp, envelopeOf, publishEnvelope } from './test-support.ts';

// Two analytics replicas share each durable consumer: a member's events reach both. They need one
// database between them, a PostgreSQL server's: on embedded PGlite each would have its own.
const { platform, api } = usePlatform({
  replicas: { workout: 1, analytics: process.env.DATABASE_URL ? 2 : 1 },
  env: { identity: adminEnv },
});
let gym: Gym;
const startedAt = new Date();

beforeAll(async () => {
  gym = await openGym(platform, 'Analytics');
});

const caughtUp = () => waitFor(() => analyticsCaughtUp(platform.nc));

/** What analytics announced about a member, once its outbox relay has published `count` of them. */
const announcedFor = (subject: string, userId: string, count: number) =>
  waitFor(async () => {
    const events = await readEvents(platform.nc, {
      stream: 'ANALYTICS',
      subject,
      since: startedAt,
      where: (e) => e.subject === userId,
      quietMs: 1000,
    });
    return events.length >= count ? events : undefined;
  });

describe('a member’s progress from sets logged through the workout routes', () => {
  it('gives the day’s figures, plan completion, personal records, points and achievements', async () => {
    const member = await registerMember(api);
    const token = member.accessToken;
    const plan = await api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, token);
    expect(plan.status).toBe(201);
    const plannedSets = (plan.body.days as { exercises: { sets: number }[] }[])
      .flatMap((d) => d.exercises)
      .reduce((n, e) => n + e.sets, 0);
    expect((await api.post('/v1/sessions/check-in', { branchId: gym.branchId }, token)).status).toBe(201);
    // Records depend on the order sets are judged in (a record beats those known before it): each
    // set is in the member's points before the next is logged, as a member logs one set at a time.
    for (const [weightKg, reps, pointsAfter] of [
      [60, 5, 11],
      [80, 3, 27],
      [80, 5, 43],
    ]) {
      const logged = await api.post(
        '/v1/workouts/logs',
        { exerciseId: 'bench-press', weightKg, reps },
        token,
      );
      expect(logged.status).toBe(201);
      await waitFor(async () => (await api.get('/v1/me/points', token)).body.total === pointsAfter);
    }
    expect((await api.post('/v1/sessions/check-out', undefined, token)).status).toBe(200);
    const today = new Date().toISOString().slice(0, 10);

    const points = await waitFor(async () => {
      const mine = await api.get('/v1/me/points', token);
      return mine.body.total === 43 ? mine.body : undefined;
    });
    // 3 sets, a workout day, and two sets that beat the records the first one opened.
    expect(points.ledger.items.map((a: { ruleId: string }) => a.ruleId).sort()).toEqual([
      'personal-record',
      'personal-record',
      'set-logged',
      'set-logged',
      'set-logged',
      'workout-day',
    ]);
    await caughtUp();

    const week = await api.get(`/v1/analytics/workouts?period=week&from=${today}`, token);
    expect(week.status).toBe(200);
    expect(week.body).toMatchObject({ period: 'week', timeZone: 'UTC' });
    expect(week.body.days).toHaveLength(7);
    const day = { date: today, sessions: 1, sets: 3, reps: 13, volumeKg: 940, machineMinutes: 0 };
    expect(week.body.days.find((d: { date: string }) => d.date === today)).toMatchObject(day);
    expect(week.body.totals).toMatchObject({
      sessions: 1,
      sets: 3,
      volumeKg: 940,
      planCompletionPct: Math.round((3 / plannedSets) * 1000) / 10,
    });
    const year = await api.get(`/v1/analytics/workouts?period=year&from=${today}`, token);
    expect(year.body.days).toHaveLength(isLeap(today) ? 366 : 365);
    expect(year.body.totals).toMatchObject({ sets: 3, volumeKg: 940 });

    const records = await api.get('/v1/analytics/records', token);
    expect(
      records.body.items.map((r: Record<string, unknown>) => [r.kind, r.value, r.weightKg, r.reps]),
    ).toEqual([
      ['heaviest', 80, 80, 3],
      ['estimated_1rm', 93.3, 80, 5],
      ['most_reps', 5, 80, 5],
      ['most_reps', 5, 60, 5],
    ]);
    const announced = await announcedFor('analytics.record.set', member.user.id, 4);
    expect(
      announced.map((e) => [(e.data as { kind: string }).kind, (e.data as { value: number }).value]).sort(),
    ).toEqual([
      ['estimated_1rm', 88],
      ['estimated_1rm', 93.3],
      ['heaviest', 80],
      ['most_reps', 5],
    ]);

    const achievements = await api.get('/v1/me/achievements', token);
    const unlocked = achievements.body.items.filter((a: { unlocked: boolean }) => a.unlocked);
    expect(unlocked.map((a: { code: string }) => a.code).sort()).toEqual(['first-record', 'first-workout']);
    expect(unlocked.every((a: { sourceEventId: string | null }) => a.sourceEventId)).toBe(true);
  });

  it('pages the points ledger, newest first', async () => {
    const member = await registerMember(api);
    for (const reps of [5, 5]) {
      await api.post(
        '/v1/workouts/logs',
        { exerciseId: 'back-squat', weightKg: 100, reps },
        member.accessToken,
      );
    }
    await waitFor(async () => (await api.get('/v1/me/points', member.accessToken)).body.total === 12);
    const first = await api.get('/v1/me/points?limit=2', member.accessToken);
    expect(first.body.ledger.items).toHaveLength(2);
    expect(first.body.ledger.nextCursor).toEqual(expect.any(String));
    const second = await api.get(
      `/v1/me/points?limit=2&cursor=${first.body.ledger.nextCursor}`,
      member.accessToken,
    );
    expect(second.body.ledger.items).toHaveLength(1);
    expect(second.body.ledger.nextCursor).toBeNull();
    const ids = [...first.body.ledger.items, ...second.body.ledger.items].map((a: { id: string }) => a.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids).toEqual([...ids].sort().reverse());
  });
});

const isLeap = (day: string) => {
  const y = Number(day.slice(0, 4));
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
};

describe('events delivered twice, replayed or out of order', () => {
  it('change nothing: each set, session, link and award counts once', async () => {
    const member = await registerMember(api);
    const userId = member.user.id;
    const { branchId } = gym;
    const sessionId = randomUUID();
    const machineId = randomUUID();
    const linkId = randomUUID();
    const at = (time: string) => `2026-11-10T${time}:00.000Z`;
    const machineSubject = (kind: string) => machineEvents.machineSubject(branchId, machineId, kind);
    const set = (logId: string, weightKg: number, time: string) => ({
      userId,
      logId,
      exerciseName: 'Barbell bench press',
      reps: 5,
      weightKg,
      durationS: null,
      source: 'manual',
      sessionId,
      at: at(time),
    });
    const firstLog = randomUUID();
    const first = envelopeOf(workoutEvents.exerciseLogged, set(firstLog, 60, '09:10'));

    // The session's end and the machine's unlink come before their start and link.
    await publishEnvelope(
      platform,
      envelopeOf(workoutEvents.sessionEnded, {
        userId,
        sessionId,
        branchId,
        reason: 'check-out',
        durationMinutes: 45,
        at: at('09:45'),
      }),
    );
    await publishEnvelope(
      platform,
      envelopeOf(machineEvents.machineUnlinked, {
        machineId,
        branchId,
        linkId,
        userId,
        reason: 'member',
        at: at('09:40'),
      }),
      { natsSubject: machineSubject('unlinked') },
    );
    // A set before its session started, published twice with one message id (JetStream drops
    // the second), replayed under a new message id, and announced again under a new event id.
    expect(await publishEnvelope(platform, first)).toEqual({ duplicate: false });
    expect(await publishEnvelope(platform, first)).toEqual({ duplicate: true });
    await publishEnvelope(platform, first, { msgId: randomUUID() });
    const reannounced = { ...first, id: randomUUID() };
    await publishEnvelope(platform, reannounced);
    // The first set is judged before the second (records follow the order sets are judged in).
    await waitFor(
      async () => (await api.get('/v1/analytics/records', member.accessToken)).body.items.length > 0,
    );
    await publishEnvelope(
      platform,
      envelopeOf(workoutEvents.sessionStarted, {
        userId,
        sessionId,
        branchId,
        startedBy: 'check-in',
        at: at('09:00'),
      }),
    );
    await publishEnvelope(
      platform,
      envelopeOf(machineEvents.machineLinked, { machineId, branchId, linkId, userId, at: at('09:20') }),
      { natsSubject: machineSubject('linked') },
    );
    const completed = envelopeOf(machineEvents.machineSetCompleted, {
      machineId,
      branchId,
      linkId,
      userId,
      frameId: randomUUID(),
      at: at('09:25'),
      exercise: 'Chest press',
      reps: 10,
      weightKg: 40,
      durationS: 30,
    });
    await publishEnvelope(platform, completed, { natsSubject: machineSubject('set_completed') });
    await publishEnvelope(platform, completed, {
      natsSubject: machineSubject('set_completed'),
      msgId: randomUUID(),
    });
    const second = envelopeOf(workoutEvents.exerciseLogged, set(randomUUID(), 70, '09:30'));
    await publishEnvelope(platform, second);
    await publishEnvelope(platform, second, { msgId: randomUUID() });
    // Workout turns the machine's set into a logged set of its own (once per frame): three sets.
    const weekPath = '/v1/analytics/workouts?period=week&from=2026-11-10';
    await waitFor(async () => (await api.get(weekPath, member.accessToken)).body.totals.sets === 3);
    await caughtUp();

    const week = await api.get(weekPath, member.accessToken);
    expect(week.body).toMatchObject({ from: '2026-11-09', to: '2026-11-15' });
    expect(week.body.days.find((d: { date: string }) => d.date === '2026-11-10')).toEqual({
      date: '2026-11-10',
      sessions: 1,
      sets: 3,
      reps: 20,
      volumeKg: 60 * 5 + 70 * 5 + 40 * 10,
      activeMinutes: 45,
      machineMinutes: 20,
      // This unlink is a v1 event (no totals): no distance, and each set's kcal by its MET figure
      // (weight training, 3.5) for its time (60 s in all) at the reference 70 kg.
      distanceM: 0,
      kcal: Math.round((3.5 * 70 * (15 + 30 + 15)) / 3600),
    });
    // Three sets, one workout day, one record beaten (the second bench set), one first machine workout.
    const points = await api.get('/v1/me/points', member.accessToken);
    expect(points.body.total).toBe(3 + 10 + 15 + 25);
    expect(points.body.ledger.items).toHaveLength(6);
    const awards = await announcedFor('analytics.points.awarded', userId, 6);
    expect(awards).toHaveLength(6);
    const cited = awards.map((e) => (e.data as { sourceEventId: string }).sourceEventId);
    // The first set's award cites whichever of its two event ids was judged first.
    expect(cited.filter((id) => id === first.id || id === reannounced.id).length).toBeGreaterThan(0);
    expect(cited).toContain(completed.id);
    const achievements = await api.get('/v1/me/achievements', member.accessToken);
    expect(
      achievements.body.items
        .filter((a: { unlocked: boolean }) => a.unlocked)
        .map((a: { code: string }) => a.code),
    ).toEqual(['first-workout', 'first-record', 'first-machine-workout']);
    // The session came after the set: its points still count at the session's branch.
    const board = await api.get(
      `/v1/leaderboards/branches/${branchId}?period=week&from=2026-11-10`,
      member.accessToken,
    );
    expect([52, 53]).toContain(board.body.me.points);
  });

  it('award streak points for each day ending three in a row, whatever order the days arrive in', async () => {
    const member = await registerMember(api);
    const logged = (day: string) =>
      envelopeOf(workoutEvents.exerciseLogged, {
        userId: member.user.id,
        logId: randomUUID(),
        exerciseName: 'Plank',
        reps: null,
        weightKg: null,
        durationS: 60,
        source: 'manual',
        sessionId: null,
        at: `${day}T12:00:00.000Z`,
      });
    // Days 1, 2, 4, 5 and then 3: the run of five has three days that end three in a row.
    for (const day of ['2026-10-01', '2026-10-02', '2026-10-04', '2026-10-05', '2026-10-03']) {
      await publishEnvelope(platform, logged(day));
    }
    await caughtUp();
    const points = await api.get('/v1/me/points?limit=100', member.accessToken);
    const byRule = (rule: string) =>
      points.body.ledger.items.filter((a: { ruleId: string }) => a.ruleId === rule).length;
    expect([byRule('set-logged'), byRule('workout-day'), byRule('streak-day')]).toEqual([5, 5, 3]);
    expect(points.body.total).toBe(5 + 50 + 15);
    const achievements = await api.get('/v1/me/achievements', member.accessToken);
    const streak3 = achievements.body.items.find((a: { code: string }) => a.code === 'streak-3');
    expect(streak3.unlocked).toBe(true);
  });
});

describe('query parameters', () => {
  it('are checked, each refusal with a stable code', async () => {
    const member = await registerMember(api);
    const token = member.accessToken;
    const refusal = async (path: string) => {
      const response = await api.get(path, token);
      return [response.status, response.body.code];
    };
    expect(await refusal('/v1/analytics/workouts?period=day')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refusal('/v1/analytics/workouts?from=yesterday')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refusal('/v1/analytics/workouts?from=2026-02-30')).toEqual([400, 'INVALID_DATE']);
    expect(await refusal('/v1/analytics/workouts?colour=red')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refusal('/v1/me/points?cursor=nonsense')).toEqual([400, 'INVALID_CURSOR']);
    expect(await refusal('/v1/me/points?limit=0')).toEqual([400, 'VALIDATION_FAILED']);
    const board = `/v1/leaderboards/branches/${gym.branchId}`;
    expect(await refusal(`${board}?period=year`)).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refusal(`${board}?limit=1000`)).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refusal(`${board}?from=2026-13-01`)).toEqual([400, 'INVALID_DATE']);
    expect(await refusal('/v1/leaderboards/branches/not-a-branch')).toEqual([400, 'VALIDATION_FAILED']);
    expect(await refusal(`/v1/leaderboards/branches/${randomUUID()}`)).toEqual([404, 'BRANCH_NOT_FOUND']);
    expect((await api.get('/v1/analytics/records')).status).toBe(401);
  });
});
