import { randomUUID } from 'node:crypto';
import { workoutEvents } from '@nxg/contracts';
import {
  apiClient,
  readEvents,
  registerMember,
  startPlatform,
  waitFor,
  type ApiClient,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsCaughtUp, envelopeOf, publishEnvelope } from './test-support.ts';

let platform: TestPlatform;
let api: ApiClient;

beforeAll(async () => {
  platform = await startPlatform({
    processes: true,
    replicas: { analytics: 1 },
    env: { gateway: { RATE_LIMIT_MAX: '100000' } },
  });
  api = apiClient(platform.gatewayUrl);
});
afterAll(() => platform?.stop());

const DAYS = ['2026-09-01', '2026-09-02', '2026-09-03', '2026-09-04', '2026-09-05'];
const SETS_PER_DAY = 8;

describe('analytics killed with -9 under a stream of events', () => {
  it('loses no award and doubles none once it has caught up', async () => {
    const since = new Date();
    const members = await Promise.all(Array.from({ length: 8 }, () => registerMember(api)));
    // Every member: 8 equal sets on each of 5 days in a row, the days in turn, members interleaved.
    const events = DAYS.flatMap((day) =>
      Array.from({ length: SETS_PER_DAY }, (_, i) =>
        members.map((m) =>
          envelopeOf(workoutEvents.exerciseLogged, {
            userId: m.user.id,
            logId: randomUUID(),
            exerciseName: 'Bench press',
            reps: 5,
            weightKg: 50,
            durationS: null,
            source: 'manual',
            sessionId: null,
            at: `${day}T10:${String(i).padStart(2, '0')}:00.000Z`,
          }),
        ),
      ).flat(),
    );
    const half = Math.floor(events.length / 2);
    const publish = (list: typeof events) => Promise.all(list.map((e) => publishEnvelope(platform, e)));

    await publish(events.slice(0, half));
    // Killed in the middle of applying them.
    await waitFor(
      async () => (await api.get('/v1/me/points', members[0]!.accessToken)).body.total > 0,
      20_000,
    );
    const analytics = platform.services.analytics![0]!;
    await analytics.kill();
    await publish(events.slice(half));
    await analytics.restart();
    await waitFor(() => analyticsCaughtUp(platform.nc), 60_000);

    // Per member: a point per set, 10 per workout day, 5 per day ending three in a row (days 3-5).
    const sets = DAYS.length * SETS_PER_DAY;
    const awards = sets + DAYS.length + (DAYS.length - 2);
    for (const member of members) {
      const mine = await api.get('/v1/me/points?limit=100', member.accessToken);
      expect(mine.body.total).toBe(sets + 10 * DAYS.length + 5 * (DAYS.length - 2));
      expect(mine.body.ledger.items).toHaveLength(awards);
      const achievements = await api.get('/v1/me/achievements', member.accessToken);
      expect(
        achievements.body.items
          .filter((a: { unlocked: boolean }) => a.unlocked)
          .map((a: { code: string }) => a.code),
      ).toEqual(['first-workout', 'streak-3']);
    }
    // Each award announced exactly once, however often its event was delivered.
    const ids = new Set(members.map((m) => m.user.id));
    const announced = await readEvents(platform.nc, {
      stream: 'ANALYTICS',
      subject: 'analytics.points.awarded',
      since,
      where: (e) => ids.has(e.subject),
      expect: awards * members.length,
      quietMs: 3000,
    });
    expect(announced).toHaveLength(awards * members.length);
    const keys = announced.map((e) => {
      const data = e.data as { userId: string; ruleId: string; sourceEventId: string; awardId: string };
      return `${data.userId}:${data.ruleId}:${data.sourceEventId}:${data.awardId}`;
    });
    expect(new Set(keys).size).toBe(keys.length);
  }, 180_000);
});
