import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../http-client.ts';
import {
  customizeByRules,
  planByRules,
  startWorkoutPlanningStandIn,
  type StandInPlan,
  type WorkoutPlanningStandIn,
} from './workout-planning-stand-in.ts';

describe('workout planning stand-in', () => {
  let standIn: WorkoutPlanningStandIn;
  let api: ApiClient;
  const key = { 'x-api-key': 'wps-test-key' };
  const generate = (body: unknown, headers: Record<string, string> = key) =>
    api.send('POST', '/v1/plans/generate', { body, headers });

  beforeAll(async () => {
    standIn = await startWorkoutPlanningStandIn({ rateLimit: { limit: 1000, windowS: 3600 } });
    api = apiClient(standIn.url);
  });
  afterAll(async () => {
    await standIn.close();
  });
  beforeEach(() => standIn.reset());

  it('requires the API key, and records why it refused', async () => {
    const response = await generate({ goal: 'strength', level: 'beginner', daysPerWeek: 3 }, {});
    expect(response.status).toBe(401);
    expect(standIn.requests()[0]).toMatchObject({
      status: 401,
      auth: { ok: false, reason: 'invalid api key' },
    });
  });

  it('builds the plan from the request: days, split, goal and equipment', async () => {
    const response = await generate({
      userId: 'u1',
      goal: 'strength',
      level: 'advanced',
      daysPerWeek: 6,
      equipment: ['barbell', 'bench'],
    });
    expect(response.status).toBe(200);
    const plan = response.body.plan as StandInPlan;
    expect(plan).toMatchObject({ goal: 'strength', level: 'advanced', daysPerWeek: 6, durationWeeks: 8 });
    expect(plan.workoutDays.map((d) => d.dayOrder)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(plan.workoutDays.map((d) => d.muscleGroup)).toEqual([
      'push',
      'pull',
      'legs',
      'push',
      'pull',
      'legs',
    ]);
    const lifts = plan.workoutDays.flatMap((d) => d.exercises).filter((e) => e.reps !== undefined);
    expect(lifts.length).toBeGreaterThan(20);
    expect(lifts.every((e) => e.sets === 5 && e.reps === 5 && e.restSeconds === 180)).toBe(true);
    expect(
      plan.workoutDays
        .flatMap((d) => d.exercises)
        .every((e) => ['barbell', 'bodyweight'].includes(e.equipment)),
    ).toBe(true);
    // The second push day is not a copy of the first.
    const names = (day: number) => plan.workoutDays[day]!.exercises.map((e) => e.exerciseId).join();
    expect(names(0)).not.toBe(names(3));
  });

  it('gives beginners full-body days and ends fat-loss days with timed cardio', () => {
    const beginner = planByRules({ goal: 'general_fitness', level: 'beginner', daysPerWeek: 3 });
    expect(beginner.workoutDays.map((d) => d.muscleGroup)).toEqual(['full_body', 'full_body', 'full_body']);
    expect(beginner.workoutDays.every((d) => d.exercises.length === 4)).toBe(true);
    const fatLoss = planByRules({
      goal: 'fat_loss',
      level: 'intermediate',
      daysPerWeek: 4,
      equipment: ['treadmill'],
    });
    for (const day of fatLoss.workoutDays) {
      const cardio = day.exercises.find((e) => e.muscleGroup === 'cardio');
      expect(cardio).toMatchObject({ sets: 1, seconds: 1200 });
      expect(cardio!.reps).toBeUndefined();
    }
    expect(planByRules({ goal: 'fat_loss', level: 'intermediate', daysPerWeek: 4 }).planId).toBe(
      planByRules({ goal: 'fat_loss', level: 'intermediate', daysPerWeek: 4, equipment: ['bodyweight'] })
        .planId,
    );
  });

  it('rejects a request it cannot plan for with 400', async () => {
    expect((await generate({ goal: 'fly', level: 'beginner', daysPerWeek: 3 })).status).toBe(400);
    expect((await generate({ goal: 'strength', level: 'beginner', daysPerWeek: 9 })).status).toBe(400);
  });

  it('serves the exercise library, filtered', async () => {
    const response = await api.send('GET', '/v1/exercises/library?muscleGroup=cardio&equipment=treadmill', {
      headers: key,
    });
    expect(response.status).toBe(200);
    expect(response.body.total).toBe(2);
    expect(response.body.exercises.map((e: { exerciseId: string }) => e.exerciseId)).toEqual([
      'ex-treadmill-run',
      'ex-incline-walk',
    ]);
  });

  it('customizes a plan: swap, change and skip exercises', async () => {
    const plan = planByRules({
      goal: 'hypertrophy',
      level: 'intermediate',
      daysPerWeek: 3,
      equipment: ['barbell'],
    });
    const [first, second] = plan.workoutDays[0]!.exercises;
    const response = await api.send('POST', '/v1/plans/customize', {
      headers: key,
      body: {
        plan,
        customizations: {
          exercises: {
            [first!.exerciseId]: { replaceWith: 'ex-push-up', sets: 2 },
            [second!.exerciseId]: { skip: true },
          },
        },
      },
    });
    expect(response.status).toBe(200);
    const day = (response.body.plan as StandInPlan).workoutDays[0]!;
    expect(day.exercises[0]).toMatchObject({
      exerciseId: 'ex-push-up',
      exerciseName: 'Push-up',
      sets: 2,
      reps: 10,
    });
    expect(day.exercises.some((e) => e.exerciseId === second!.exerciseId)).toBe(false);
    expect(customizeByRules(plan, {}).customized).toBe(true);
  });

  it('records what it received and counts it', async () => {
    await generate({ goal: 'endurance', level: 'beginner', daysPerWeek: 2 });
    await api.send('GET', '/v1/exercises/library', { headers: key });
    expect(standIn.count()).toBe(2);
    expect(standIn.count('/v1/plans/generate')).toBe(1);
    const [received] = standIn.requests('/v1/plans/generate');
    expect(received).toMatchObject({
      method: 'POST',
      path: '/v1/plans/generate',
      body: { goal: 'endurance', level: 'beginner', daysPerWeek: 2 },
      status: 200,
      headers: { 'x-api-key': 'wps-test-key' },
    });
    expect(JSON.parse(received!.rawBody)).toEqual(received!.body);
    expect(Math.abs(received!.at - Date.now())).toBeLessThan(5_000);
  });

  describe('behaviours', () => {
    const body = { goal: 'strength', level: 'beginner', daysPerWeek: 2 };

    it('slow: answers after the delay', async () => {
      standIn.behave({ mode: 'slow', delayMs: 300 });
      const started = Date.now();
      expect((await generate(body)).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('fail: answers the status asked for, for as many requests as asked', async () => {
      standIn.behave({ mode: 'fail', status: 502, times: 2 });
      expect((await generate(body)).status).toBe(502);
      expect((await generate(body)).status).toBe(502);
      expect((await generate(body)).status).toBe(200);
    });

    it('rate-limit: 429 with Retry-After', async () => {
      standIn.behave({ mode: 'rate-limit', retryAfterS: 7 });
      const response = await generate(body);
      expect(response.status).toBe(429);
      expect(response.headers.get('retry-after')).toBe('7');
    });

    it('garbage: 200 with a body of the wrong shape, or the one given', async () => {
      standIn.behave({ mode: 'garbage' });
      expect((await generate(body)).body).toEqual({ plan: { planId: 42, workoutDays: 'coming soon' } });
      standIn.behave({ mode: 'garbage', body: 'not json' });
      expect((await generate(body)).body).toBe('not json');
    });
  });

  it('enforces its own rate limit per key with 429 and the seconds left', async () => {
    const limited = await startWorkoutPlanningStandIn({ rateLimit: { limit: 2, windowS: 60 } });
    try {
      const client = apiClient(limited.url);
      const call = () => client.send('GET', '/v1/exercises/library', { headers: key });
      expect((await call()).status).toBe(200);
      expect((await call()).headers.get('x-ratelimit-remaining')).toBe('0');
      const refused = await call();
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(55);
      expect(limited.count()).toBe(3);
    } finally {
      await limited.close();
    }
  });
});
