import {
  readEvents,
  registerMember,
  startNutritionPlanningStandIn,
  usePlatform,
  waitFor,
  type ApiClient,
} from '@nxg/testing';
import type { Database } from '@nxg/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { allergenMatcher } from './allergens.ts';

const standIn = await startNutritionPlanningStandIn();
afterAll(() => standIn.close());
const generatePath = '/v1/plans/generate';

const { platform, api } = usePlatform({
  replicas: { nutrition: 1 },
  env: {
    nutrition: {
      NUTRITION_AI_URL: standIn.baseUrl,
      NUTRITION_AI_API_KEY: standIn.apiKey,
      NUTRITION_AI_HMAC_SECRET: standIn.secret,
      NUTRITION_AI_TIMEOUT_MS: '500',
      MEAL_PLAN_REFRESH_INTERVAL_S: '1',
    },
  },
});
const startedAt = new Date();
const db = () => platform.services.nutrition![0]!.app!.kit.db as Database;

interface PlanBody {
  id: string;
  source: string;
  excludedAllergens: string[];
  days: Array<{
    date: string;
    meals: Array<{ mealType: string; items: Array<{ name: string; foodId?: string }> }>;
  }>;
}

const itemNames = (plan: PlanBody) =>
  plan.days.flatMap((d) => d.meals.flatMap((m) => m.items.map((i) => i.name)));

/** A member with figures, a goal and allergies, once nutrition has their profile. */
async function memberWithProfile(client: ApiClient, allergies: string[]) {
  const member = await registerMember(client);
  const patched = await client.patch(
    '/v1/me/profile',
    {
      demographics: { age: 34, heightCm: 172, weightKg: 70, gender: 'female', activityLevel: 'moderate' },
      fitnessProfile: { goal: 'build_muscle' },
      dietPreferences: { allergies },
    },
    member.accessToken,
  );
  expect(patched.status).toBe(200);
  await waitFor(
    async () => (await client.get('/v1/nutrition/targets', member.accessToken)).body.source === 'profile',
  );
  return member;
}

describe('targets', () => {
  it('come from the profile by Mifflin-St Jeor, and from reference defaults without figures', async () => {
    const newcomer = await registerMember(api);
    const defaults = await api.get('/v1/nutrition/targets', newcomer.accessToken);
    expect(defaults.status).toBe(200);
    expect(defaults.body).toMatchObject({ kcal: 2000, method: 'reference_intake', source: 'defaults' });
    expect(defaults.body.assumed).toContain('demographics.weightKg');

    const member = await memberWithProfile(api, []);
    const targets = await api.get('/v1/nutrition/targets', member.accessToken);
    // 10·70 + 6.25·172 − 5·34 − 161 = 1444 kcal at rest; × 1.55 (moderate) × 1.1 (build muscle) = 2462.
    expect(targets.body).toMatchObject({
      kcal: 2462,
      proteinG: 126,
      method: 'mifflin_st_jeor',
      source: 'profile',
    });
  });
});

describe('meal plans', () => {
  it('come from the planning service (HMAC signature verified there), without the member’s allergens, then from the cache', async () => {
    const member = await memberWithProfile(api, ['peanuts', 'milk']);
    const before = standIn.count(generatePath);
    const plan = await api.post('/v1/nutrition/plans/generate', {}, member.accessToken);
    expect(plan.status).toBe(201);
    expect(plan.body.source).toBe('ai');
    expect(plan.body.excludedAllergens).toEqual(['milk', 'peanuts']);
    const call = standIn.requests(generatePath).at(-1)!;
    expect(standIn.count(generatePath)).toBe(before + 1);
    expect(call.auth).toEqual({ ok: true });
    expect(call.headers['x-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(call.body).toMatchObject({ allergies: ['milk', 'peanuts'], targets: { calories: 2462 }, days: 7 });

    // The service answered with pad thai (peanuts), peanut butter toast, yogurt, cheddar, pesto
    // (parmesan): none of them reaches the member.
    const names = itemNames(plan.body as PlanBody);
    expect(names.length).toBeGreaterThan(10);
    for (const banned of [
      'Pad thai',
      'Peanut butter toast',
      'Greek yogurt with berries',
      'Apple with cheddar',
      'Pesto pasta',
    ])
      expect(names).not.toContain(banned);
    expect(names).toContain('Chicken and quinoa bowl');

    const again = await api.post('/v1/nutrition/plans/generate', {}, member.accessToken);
    expect(again.body.source).toBe('cache');
    expect(standIn.count(generatePath)).toBe(before + 1);

    const active = await api.get('/v1/nutrition/plans/active', member.accessToken);
    expect(active.status).toBe(200);
    expect(active.body.id).toBe(again.body.id);

    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.plan.generated',
      since: startedAt,
      where: (e) => (e.data as { planId: string }).planId === plan.body.id,
      expect: 1,
    });
    expect(events[0]!.data).toMatchObject({
      userId: member.user.id,
      source: 'ai',
      reason: 'requested',
      kcalTarget: 2462,
    });
    // Each day's meals with a suggested local time, for meal reminders.
    const days = (events[0]!.data as { days: Array<{ meals: Array<{ mealType: string; time: string }> }> })
      .days;
    expect(days).toHaveLength(7);
    expect(days.flatMap((d) => d.meals)).toContainEqual(
      expect.objectContaining({ mealType: 'breakfast', time: '07:30' }),
    );
  });

  it('are built from reference foods when the service fails, rate-limits, talks nonsense or stalls, still without allergens', async () => {
    for (const behaviour of [
      { mode: 'fail' as const },
      { mode: 'rate-limit' as const, retryAfterS: 1 },
      { mode: 'garbage' as const },
      { mode: 'slow' as const, delayMs: 3000 },
    ]) {
      const member = await memberWithProfile(api, ['eggs', 'shellfish', 'gluten']);
      standIn.behave(behaviour);
      try {
        const plan = await api.post('/v1/nutrition/plans/generate', {}, member.accessToken);
        expect(plan.status, behaviour.mode).toBe(201);
        expect(plan.body.source).toBe('fallback');
        expect(plan.body.days).toHaveLength(7);
        const contains = allergenMatcher(['eggs', 'shellfish', 'gluten']);
        for (const day of (plan.body as PlanBody).days) {
          expect(day.meals.map((m) => m.mealType)).toEqual(['breakfast', 'lunch', 'snack', 'dinner']);
          for (const item of day.meals.flatMap((m) => m.items)) {
            expect(item.foodId).toMatch(/^\d{5}$/);
            expect(contains(item.name), item.name).toBeUndefined();
          }
        }
        // Within ±10 % of the member's energy target every day.
        const kcal = (plan.body.days as Array<{ totals: { kcal: number } }>).map((d) => d.totals.kcal);
        for (const k of kcal)
          expect(Math.abs(k - plan.body.targets.kcal) / plan.body.targets.kcal).toBeLessThanOrEqual(0.1);
      } finally {
        standIn.behave({ mode: 'healthy' });
      }
    }
  });

  it('are replaced when the member declares a new allergy, which no plan shows even before', async () => {
    const member = await memberWithProfile(api, []);
    standIn.behave({ mode: 'fail' });
    let first;
    try {
      first = await api.post('/v1/nutrition/plans/generate', {}, member.accessToken);
    } finally {
      standIn.behave({ mode: 'healthy' });
    }
    expect(first.body.source).toBe('fallback');
    const fish = allergenMatcher(['fish']);
    expect(itemNames(first.body as PlanBody).some((n) => fish(n))).toBe(true);

    await api.patch('/v1/me/profile', { dietPreferences: { allergies: ['fish'] } }, member.accessToken);
    const replaced = await waitFor(async () => {
      const active = await api.get('/v1/nutrition/plans/active', member.accessToken);
      return active.body.id !== first.body.id ? active.body : undefined;
    });
    expect(replaced.excludedAllergens).toEqual(['fish']);
    expect(itemNames(replaced as PlanBody).some((n) => fish(n))).toBe(false);
    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.plan.generated',
      since: startedAt,
      where: (e) => (e.data as { planId: string }).planId === replaced.id,
      expect: 1,
    });
    expect(events[0]!.data).toMatchObject({ reason: 'profile_changed' });
  });

  it('show planned against eaten for a day, per meal and in total', async () => {
    const member = await memberWithProfile(api, []);
    const plan = await api.post('/v1/nutrition/plans/generate', { days: 3 }, member.accessToken);
    expect(plan.body.days).toHaveLength(3);
    const today = plan.body.startsOn as string;
    const logged = await api.post(
      '/v1/nutrition/meals',
      { mealType: 'breakfast', items: [{ foodId: '01129', grams: 100 }] },
      member.accessToken,
    );
    expect(logged.status).toBe(201);
    const day = await api.get(`/v1/nutrition/days/${today}`, member.accessToken);
    expect(day.status).toBe(200);
    expect(day.body).toMatchObject({ date: today, timezone: 'UTC', planId: plan.body.id });
    const breakfast = day.body.meals.find((m: { mealType: string }) => m.mealType === 'breakfast');
    expect(breakfast.eaten.kcal).toBe(155);
    expect(breakfast.mealIds).toEqual([logged.body.id]);
    expect(breakfast.planned.kcal).toBeGreaterThan(300);
    expect(day.body.total.eaten.kcal).toBe(155);
    expect(day.body.total.planned.kcal).toBe(plan.body.days[0].totals.kcal);

    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.logged',
      since: startedAt,
      where: (e) => (e.data as { mealId: string }).mealId === logged.body.id,
      expect: 1,
    });
    expect(events[0]!.data).toMatchObject({ planned: true, planId: plan.body.id, mealType: 'breakfast' });
  });

  it('are replaced by the weekly refresh once a week old', async () => {
    const member = await memberWithProfile(api, []);
    const first = await api.post('/v1/nutrition/plans/generate', {}, member.accessToken);
    expect(first.status).toBe(201);
    // The plan was made eight days ago.
    await db().query("UPDATE meal_plans SET created_at = now() - interval '8 days' WHERE id = $1", [
      first.body.id,
    ]);
    const replaced = await waitFor(async () => {
      const active = await api.get('/v1/nutrition/plans/active', member.accessToken);
      return active.body.id !== first.body.id ? active.body : undefined;
    });
    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.plan.generated',
      since: startedAt,
      where: (e) => (e.data as { planId: string }).planId === replaced.id,
      expect: 1,
    });
    expect(events[0]!.data).toMatchObject({ reason: 'weekly', userId: member.user.id });
  });
});
