import {
  apiClient,
  registerMember,
  startPlatform,
  startWorkoutPlanningStandIn,
  type ApiClient,
  type TestPlatform,
  type WorkoutPlanningStandIn,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let standIn: WorkoutPlanningStandIn;
let platform: TestPlatform;
let api: ApiClient;
const QUOTA = 60;
const generate = '/v1/plans/generate';

beforeAll(async () => {
  standIn = await startWorkoutPlanningStandIn();
  platform = await startPlatform({
    // Two replicas share the planning service's quota and cache through Redis, and their database
    // on a PostgreSQL server (one replica without either).
    replicas: { workout: process.env.REDIS_URL && process.env.DATABASE_URL ? 2 : 1 },
    env: {
      workout: {
        WORKOUT_AI_URL: standIn.baseUrl,
        WORKOUT_AI_API_KEY: standIn.apiKey,
        WORKOUT_AI_QUOTA_PER_HOUR: String(QUOTA),
        WORKOUT_AI_TIMEOUT_MS: '300',
      },
    },
  });
  api = apiClient(platform.gatewayUrl);
});
afterAll(async () => {
  await platform?.stop();
  await standIn?.close();
});

const plan = (token: string, body: object = { daysPerWeek: 3 }) =>
  api.post('/v1/workouts/plans/generate', body, token);

describe('plans from the AI planning service', () => {
  it('come from the service when it answers, then from the 24-hour cache without a call', async () => {
    const member = await registerMember(api);
    const first = await plan(member.accessToken);
    expect(first.status).toBe(201);
    expect(first.body.source).toBe('ai');
    expect(first.body.days).toHaveLength(3);
    expect(standIn.requests(generate).at(-1)?.headers[standIn.apiKeyHeader.toLowerCase()]).toBe(
      standIn.apiKey,
    );
    const calls = standIn.count(generate);
    expect(calls).toBeGreaterThan(0);
    const again = await plan(member.accessToken);
    expect(again.body.source).toBe('cache');
    expect(standIn.count(generate)).toBe(calls);
  });

  it('fall back to the last good plan, then to the built-in rules, when the service fails', async () => {
    const member = await registerMember(api);
    expect((await plan(member.accessToken, { daysPerWeek: 2 })).body.source).toBe('ai');
    standIn.behave({ mode: 'fail' });
    try {
      const lastGood = await plan(member.accessToken, { daysPerWeek: 5 });
      expect(lastGood.status).toBe(201);
      expect(lastGood.body).toMatchObject({ source: 'cache' });
      const newcomer = await registerMember(api);
      const rules = await plan(newcomer.accessToken, { daysPerWeek: 4 });
      expect(rules.body).toMatchObject({ source: 'fallback', daysPerWeek: 4 });
      expect(rules.body.days).toHaveLength(4);
    } finally {
      standIn.behave({ mode: 'healthy' });
    }
  });

  it('answer at once from the fallback once the breaker is open, without calling the stalled service', async () => {
    standIn.behave({ mode: 'slow', delayMs: 60_000 });
    try {
      // The service stalls: each call waits for its timeout until the breaker opens.
      for (let i = 0; i < 6; i++)
        await plan((await registerMember(api)).accessToken, { daysPerWeek: 1 + (i % 7) });
      const calls = standIn.count(generate);
      const started = Date.now();
      const fast = await plan((await registerMember(api)).accessToken, { daysPerWeek: 6 });
      expect(fast.body.source).toBe('fallback');
      expect(standIn.count(generate)).toBe(calls);
      expect(Date.now() - started).toBeLessThan(2000); // coarse: the 200 ms target is measured in tools/
    } finally {
      standIn.behave({ mode: 'healthy' });
    }
  }, 120_000);
  it('never exceed the quota, even in a 429 storm across replicas', async () => {
    standIn.behave({ mode: 'rate-limit', retryAfterS: 1 });
    try {
      const members = await Promise.all(Array.from({ length: QUOTA + 10 }, () => registerMember(api)));
      const answers = await Promise.all(
        members.map((m, i) => plan(m.accessToken, { daysPerWeek: 1 + (i % 7) })),
      );
      expect(answers.every((a) => a.status === 201)).toBe(true);
      expect(answers.every((a) => a.body.source === 'fallback')).toBe(true);
      // Everything sent in this test's hour, counted where it arrived.
      expect(standIn.count(generate)).toBeGreaterThan(0);
      expect(standIn.count(generate)).toBeLessThanOrEqual(QUOTA);
    } finally {
      standIn.behave({ mode: 'healthy' });
    }
  });
});
