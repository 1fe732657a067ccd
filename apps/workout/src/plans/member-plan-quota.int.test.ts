import {
  registerMember,
  startWorkoutPlanningStandIn,
  usePlatform,
  type WorkoutPlanningStandIn,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const PER_MEMBER = 3;
const generate = '/v1/plans/generate';
let standIn: WorkoutPlanningStandIn;
beforeAll(async () => {
  standIn = await startWorkoutPlanningStandIn();
});
afterAll(() => standIn?.close());

const { api } = usePlatform({
  replicas: { workout: 1 },
  env: {
    get workout() {
      return {
        WORKOUT_AI_URL: standIn.baseUrl,
        WORKOUT_AI_API_KEY: standIn.apiKey,
        PLAN_GENERATIONS_PER_MEMBER_PER_DAY: String(PER_MEMBER),
      };
    },
  },
});

const plan = (token: string, daysPerWeek: number) =>
  api.post('/v1/workouts/plans/generate', { daysPerWeek }, token);

describe('AI plan generations per member (finding 6)', () => {
  it('refuses a member past their daily allowance with 429 and Retry-After; cached plans and other members are not held back', async () => {
    const member = await registerMember(api);
    const before = standIn.count(generate);
    // Varied requests: each misses the cache and calls the planning service.
    for (let days = 1; days <= PER_MEMBER; days++) {
      const answer = await plan(member.accessToken, days);
      expect(answer.status).toBe(201);
      expect(answer.body.source).toBe('ai');
    }
    // A repeated request is answered from the cache: it costs nothing, so it does not count.
    const cached = await plan(member.accessToken, 2);
    expect(cached.status).toBe(201);
    expect(cached.body.source).toBe('cache');

    const refused = await plan(member.accessToken, PER_MEMBER + 1);
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('MEMBER_QUOTA_EXHAUSTED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(standIn.count(generate) - before).toBe(PER_MEMBER);
    // Still served from the cache once the allowance is spent.
    expect((await plan(member.accessToken, 1)).body.source).toBe('cache');

    const other = await registerMember(api);
    const theirs = await plan(other.accessToken, PER_MEMBER + 1);
    expect(theirs.status).toBe(201);
    expect(theirs.body.source).toBe('ai');
    expect(standIn.count(generate) - before).toBe(PER_MEMBER + 1);
  });
});
