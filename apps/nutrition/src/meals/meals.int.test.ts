import { registerMember, readEvents, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform({ replicas: { nutrition: 1 } });
const startedAt = new Date();

/** USDA SR28: chicken breast, meat only, roasted (165 kcal, 31.02 g protein, 3.57 g fat per 100 g). */
const CHICKEN = '05064';
/** USDA SR28: brown rice, long-grain, cooked (123 kcal, 2.74 P, 25.58 C, 0.97 F, 1.6 fibre per 100 g). */
const RICE = '20037';

describe('foods', () => {
  it('finds roasted chicken breast by words and answers per 100 g and per portion', async () => {
    const member = await registerMember(api);
    const found = await api.get('/v1/nutrition/foods?q=chicken%20breast&limit=5', member.accessToken);
    expect(found.status).toBe(200);
    expect(found.body.items.map((f: { id: string }) => f.id)).toContain(CHICKEN);
    const food = await api.get(`/v1/nutrition/foods/${CHICKEN}`, member.accessToken);
    expect(food.status).toBe(200);
    expect(food.body.per100g).toMatchObject({ kcal: 165, proteinG: 31, fatG: 3.6 });
    const cup = food.body.portions.find((p: { label: string }) => p.label.startsWith('1 cup'));
    expect(cup).toMatchObject({ grams: 140, kcal: 231 });
    // Pages follow one another without repeats.
    const next = await api.get(
      `/v1/nutrition/foods?q=chicken&limit=5&cursor=${found.body.nextCursor}`,
      member.accessToken,
    );
    expect(next.status).toBe(200);
  });

  it('answers an unknown food id with 404 FOOD_NOT_FOUND', async () => {
    const member = await registerMember(api);
    const missing = await api.get('/v1/nutrition/foods/99999', member.accessToken);
    expect([missing.status, missing.body.code]).toEqual([404, 'FOOD_NOT_FOUND']);
  });
});

describe('meals', () => {
  it('computes macros from reference foods by weight, adds free entries, and lists the meal', async () => {
    const member = await registerMember(api);
    const eatenAt = new Date(Date.now() - 3600_000).toISOString();
    const logged = await api.post(
      '/v1/nutrition/meals',
      {
        mealType: 'lunch',
        eatenAt,
        items: [
          { foodId: CHICKEN, grams: 150 },
          { foodId: RICE, grams: 200 },
          { name: 'Homemade sauce', grams: 30, kcal: 45, proteinG: 0.5, carbsG: 3, fatG: 3.5 },
        ],
      },
      member.accessToken,
    );
    expect(logged.status).toBe(201);
    expect(logged.body.items[0]).toMatchObject({ foodId: CHICKEN, grams: 150, kcal: 247.5, proteinG: 46.5 });
    expect(logged.body.items[1]).toMatchObject({ foodId: RICE, kcal: 246, carbsG: 51.2, fibreG: 3.2 });
    // 247.5 + 246 + 45 kcal; 46.5 + 5.5 + 0.5 g protein.
    expect(logged.body.totals).toMatchObject({ kcal: 538.5, proteinG: 52.5 });
    expect(logged.body).toMatchObject({
      mealType: 'lunch',
      status: 'logged',
      source: 'manual',
      hasPhoto: false,
    });

    const today = eatenAt.slice(0, 10);
    const listed = await api.get(`/v1/nutrition/meals?from=${today}&to=${today}`, member.accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((m: { id: string }) => m.id)).toContain(logged.body.id);

    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.logged',
      since: startedAt,
      where: (e) => (e.data as { mealId: string }).mealId === logged.body.id,
      expect: 1,
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      userId: member.user.id,
      mealType: 'lunch',
      kcal: 538.5,
      proteinG: 52.5,
      localDate: today,
      timezone: 'UTC',
      planned: false,
    });
  });
});
