import { randomUUID } from 'node:crypto';
import { identityEvents, machineEvents, workoutEvents, type MachineWorkoutTotals } from '@nxg/contracts';
import { openGym, adminEnv, registerMember, usePlatform, waitFor, type Gym } from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyticsCaughtUp, envelopeOf, publishEnvelope } from './test-support.ts';

const { platform, api } = usePlatform({ replicas: { analytics: 1 }, env: { identity: adminEnv } });
let gym: Gym;

beforeAll(async () => {
  gym = await openGym(platform, 'Member days');
});

const caughtUp = () => waitFor(() => analyticsCaughtUp(platform.nc));

/** identity's `updated` event naming the member's zone, as announced at `time`. */
const movedTo = (userId: string, timezone: string, time: string) => ({
  ...envelopeOf(identityEvents.userUpdated, {
    userId,
    name: 'Kai',
    demographics: {},
    fitnessProfile: {},
    dietPreferences: {},
    timezone,
  }),
  time,
});

const setAt = (userId: string, at: string, extra: Partial<Record<string, unknown>> = {}) =>
  envelopeOf(workoutEvents.exerciseLogged, {
    userId,
    logId: randomUUID(),
    exerciseName: 'Deadlift',
    reps: 5,
    weightKg: 100,
    durationS: null,
    source: 'manual',
    sessionId: null,
    at,
    ...extra,
  });

type Day = { date: string; sets: number; distanceM: number; kcal: number; machineMinutes: number };
const dayOf = (body: { days: Day[] }, date: string) => body.days.find((d) => d.date === date)!;

describe('a member’s days', () => {
  it('are counted in the zone the member was in at the time: a move counts new activity in the new zone and leaves earlier days as they were', async () => {
    const member = await registerMember(api, { name: 'Kai' });
    const userId = member.user.id;
    await publishEnvelope(platform, movedTo(userId, 'Pacific/Auckland', '2026-11-01T00:00:00.000Z'));
    await publishEnvelope(platform, movedTo(userId, 'America/New_York', '2026-11-12T00:00:00.000Z'));
    // An unknown zone is ignored, never a failing consumer.
    await publishEnvelope(platform, movedTo(userId, 'Mars/Olympus_Mons', '2026-11-12T06:00:00.000Z'));
    await caughtUp();
    // Tuesday 12:00 UTC is Wednesday 01:00 in Auckland (UTC+13).
    await publishEnvelope(platform, setAt(userId, '2026-11-10T12:00:00.000Z'));
    // Friday 03:00 UTC is Thursday 22:00 in New York (UTC-5), where the member lives by then.
    await publishEnvelope(platform, setAt(userId, '2026-11-13T03:00:00.000Z'));
    await caughtUp();

    const week = await api.get('/v1/analytics/workouts?period=week&from=2026-11-11', member.accessToken);
    expect(week.status).toBe(200);
    // The zone now: the account was registered (in UTC, identity's default) after those moves.
    expect(week.body.timeZone).toBe('UTC');
    const setsByDay = week.body.days.filter((d: Day) => d.sets > 0).map((d: Day) => [d.date, d.sets]);
    expect(setsByDay).toEqual([
      ['2026-11-11', 1],
      ['2026-11-12', 1],
    ]);
    // Each workout day counted once, on the member's own day.
    const points = await api.get('/v1/me/points?limit=100', member.accessToken);
    const workoutDays = points.body.ledger.items.filter(
      (a: { ruleId: string }) => a.ruleId === 'workout-day',
    );
    expect(workoutDays).toHaveLength(2);
  });

  it('follow the zone a member sets in their profile', async () => {
    const member = await registerMember(api, { name: 'Yui' });
    const zoneNow = async () => (await api.get('/v1/analytics/workouts', member.accessToken)).body.timeZone;
    expect(await zoneNow()).toBe('UTC');
    const patched = await api.patch('/v1/me/profile', { timezone: 'Asia/Tokyo' }, member.accessToken);
    expect(patched.status).toBe(200);
    await waitFor(async () => (await zoneNow()) === 'Asia/Tokyo');
  });
});

describe('machine workouts', () => {
  it('count the distance and kcal machines measured, and MET estimates where they measured none', async () => {
    const member = await registerMember(api);
    const userId = member.user.id;
    const { branchId } = gym;
    const link = async (
      linkedAt: string,
      unlinkedAt: string,
      workout: Partial<MachineWorkoutTotals> & Pick<MachineWorkoutTotals, 'machineName'>,
    ) => {
      const machineId = randomUUID();
      const linkId = randomUUID();
      const subject = (kind: string) => ({
        natsSubject: machineEvents.machineSubject(branchId, machineId, kind),
      });
      const ids = { machineId, branchId, linkId, userId };
      const totals: MachineWorkoutTotals = {
        machineType: 'cardio',
        durationS: (Date.parse(unlinkedAt) - Date.parse(linkedAt)) / 1000,
        distanceM: null,
        kcal: null,
        avgHeartRate: null,
        maxHeartRate: null,
        sets: 0,
        reps: 0,
        samples: 0,
        ...workout,
      };
      // The unlink first: order does not matter.
      await publishEnvelope(
        platform,
        envelopeOf(machineEvents.machineUnlinked, {
          ...ids,
          reason: 'member',
          at: unlinkedAt,
          workout: totals,
        }),
        subject('unlinked'),
      );
      await publishEnvelope(
        platform,
        envelopeOf(machineEvents.machineLinked, { ...ids, at: linkedAt }),
        subject('linked'),
      );
    };
    // A treadmill that measured its own kcal, with an interval logged from it (no second count).
    await link('2026-11-03T08:00:00.000Z', '2026-11-03T08:30:00.000Z', {
      machineName: 'Treadmill 4',
      distanceM: 5000,
      kcal: 300,
      avgHeartRate: 140,
      maxHeartRate: 171,
      sets: 1,
    });
    await publishEnvelope(
      platform,
      setAt(userId, '2026-11-03T08:10:00.000Z', {
        exerciseName: 'Treadmill interval (1000 m)',
        reps: 0,
        weightKg: 0,
        durationS: 300,
        source: 'machine',
      }),
    );
    // A rower that counts metres but not kcal, and no sets: 10 minutes of rowing (MET 6.0).
    await link('2026-11-03T09:00:00.000Z', '2026-11-03T09:10:00.000Z', {
      machineName: 'Rower 1',
      distanceM: 2000,
    });
    // A strength station without kcal: its set counts by its MET figure (weight training, 3.5).
    await link('2026-11-03T09:20:00.000Z', '2026-11-03T09:30:00.000Z', {
      machineName: 'Leg press',
      machineType: 'strength',
      sets: 1,
      reps: 12,
    });
    await publishEnvelope(
      platform,
      setAt(userId, '2026-11-03T09:25:00.000Z', {
        exerciseName: 'Leg press',
        reps: 12,
        weightKg: 80,
        durationS: 60,
        source: 'machine',
      }),
    );
    await caughtUp();

    const week = await api.get('/v1/analytics/workouts?period=week&from=2026-11-03', member.accessToken);
    const day = dayOf(week.body, '2026-11-03');
    expect(day).toMatchObject({ sets: 2, distanceM: 7000, machineMinutes: 50 });
    expect(day.kcal).toBe(Math.round(300 + (6.0 * 70 * 600) / 3600 + (3.5 * 70 * 60) / 3600));
    expect(week.body.totals).toMatchObject({ distanceM: 7000, kcal: day.kcal });
  });

  it('set cardio records per activity: the longest distance and the fastest average speed', async () => {
    const member = await registerMember(api);
    const userId = member.user.id;
    const run = async (at: string, distanceM: number, durationS: number) => {
      const machineId = randomUUID();
      await publishEnvelope(
        platform,
        envelopeOf(machineEvents.machineUnlinked, {
          machineId,
          branchId: gym.branchId,
          linkId: randomUUID(),
          userId,
          reason: 'member',
          at,
          workout: {
            machineName: 'Treadmill 2',
            machineType: 'cardio',
            durationS,
            distanceM,
            kcal: 200,
            avgHeartRate: 150,
            maxHeartRate: 170,
            sets: 0,
            reps: 0,
            samples: durationS,
          },
        }),
        { natsSubject: machineEvents.machineSubject(gym.branchId, machineId, 'unlinked') },
      );
      await caughtUp();
    };
    await run('2026-11-02T07:00:00.000Z', 3000, 1200); // opens the records: 9 km/h
    await run('2026-11-04T07:00:00.000Z', 5000, 1800); // longer and faster: 10 km/h
    await run('2026-11-06T07:00:00.000Z', 2000, 1200); // neither
    const records = await api.get('/v1/analytics/records', member.accessToken);
    expect(
      records.body.items.map((r: { exerciseName: string; kind: string; value: number }) => [
        r.exerciseName,
        r.kind,
        r.value,
      ]),
    ).toEqual([
      ['Treadmill run', 'longest_distance', 5000],
      ['Treadmill run', 'fastest_speed', 10],
    ]);
    const points = await api.get('/v1/me/points?limit=100', member.accessToken);
    const recordAwards = points.body.ledger.items.filter(
      (a: { ruleId: string }) => a.ruleId === 'personal-record',
    );
    expect(recordAwards).toHaveLength(1);
  });
});
