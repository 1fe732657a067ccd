import { randomUUID } from 'node:crypto';
import { nutritionEvents } from '@nxg/contracts';
import { registerMember, usePlatform, waitFor } from '@nxg/testing';
import { describe, expect, it } from 'vitest';
import { analyticsCaughtUp, envelopeOf, publishEnvelope } from '../test-support.ts';

const { platform, api } = usePlatform({ replicas: { analytics: 1, nutrition: 1 } });

const caughtUp = () => waitFor(() => analyticsCaughtUp(platform.nc));

describe('a member’s nutrition', () => {
  it('gives meals planned and logged, and kcal and macros against the plan’s targets, per day; replays change nothing', async () => {
    const member = await registerMember(api);
    const userId = member.user.id;
    const meal = (
      localDate: string,
      mealType: 'breakfast' | 'lunch' | 'dinner' | 'snack',
      kcal: number,
      planned: boolean,
    ) =>
      envelopeOf(nutritionEvents.mealLogged, {
        userId,
        mealId: randomUUID(),
        mealType,
        source: 'manual',
        localDate,
        timezone: 'UTC',
        eatenAt: `${localDate}T12:00:00.000Z`,
        kcal,
        proteinG: kcal / 20,
        carbsG: kcal / 8,
        fatG: kcal / 30,
        fibreG: 5,
        itemCount: 2,
        planned,
        planId: null,
        at: `${localDate}T12:00:00.000Z`,
      });
    const plan = envelopeOf(nutritionEvents.planGenerated, {
      userId,
      planId: randomUUID(),
      source: 'fallback',
      reason: 'requested',
      timezone: 'UTC',
      startsOn: '2026-11-09',
      kcalTarget: 2000,
      proteinG: 150,
      carbsG: 200,
      fatG: 70,
      days: ['2026-11-09', '2026-11-10'].map((date) => ({
        date,
        meals: [
          { mealType: 'breakfast' as const, time: '08:00', kcal: 500 },
          { mealType: 'lunch' as const, time: '13:00', kcal: 700 },
          { mealType: 'dinner' as const, time: '19:00', kcal: 800 },
        ],
      })),
      at: '2026-11-08T18:00:00.000Z',
    });
    const breakfast = meal('2026-11-09', 'breakfast', 500, true);
    const lunch = meal('2026-11-09', 'lunch', 700, true);
    const snack = meal('2026-11-09', 'snack', 300, false);
    const removed = meal('2026-11-10', 'dinner', 900, true);
    // The removal arrives before the meal it removes; the breakfast is delivered twice.
    await publishEnvelope(
      platform,
      envelopeOf(nutritionEvents.mealDeleted, {
        userId,
        mealId: removed.data.mealId,
        mealType: 'dinner',
        localDate: '2026-11-10',
        kcal: 900,
        proteinG: 45,
        carbsG: 112.5,
        fatG: 30,
        fibreG: 5,
        at: '2026-11-10T21:00:00.000Z',
      }),
    );
    for (const e of [plan, breakfast, breakfast, lunch, snack, removed]) {
      await publishEnvelope(platform, e, { msgId: randomUUID() });
    }
    await caughtUp();

    const week = await api.get('/v1/analytics/nutrition?period=week&from=2026-11-10', member.accessToken);
    expect(week.status).toBe(200);
    expect(week.body).toMatchObject({ period: 'week', from: '2026-11-09', to: '2026-11-15' });
    const monday = week.body.days[0];
    expect(monday).toEqual({
      date: '2026-11-09',
      mealsPlanned: 3,
      mealsLogged: 3,
      plannedMealsLogged: 2,
      kcal: 1500,
      proteinG: 75,
      carbsG: 188,
      fatG: 50,
      targets: { kcal: 2000, proteinG: 150, carbsG: 200, fatG: 70 },
      compliancePct: { kcal: 75, proteinG: 50, carbsG: 93.8, fatG: 71.4 },
    });
    // Tuesday: planned, nothing kept (the dinner was removed).
    expect(week.body.days[1]).toMatchObject({ mealsPlanned: 3, mealsLogged: 0, kcal: 0 });
    expect(week.body.days[2]).toMatchObject({ mealsPlanned: 0, targets: null, compliancePct: null });
    expect(week.body.totals).toMatchObject({
      mealsPlanned: 6,
      mealsLogged: 3,
      plannedMealsLogged: 2,
      kcal: 1500,
      averageCompliancePct: { kcal: 75 },
    });
    // Points once per meal type and day, removed meals included (an award is history): Monday's
    // breakfast (delivered twice), lunch and snack, and Tuesday's dinner.
    const points = await api.get('/v1/me/points?limit=100', member.accessToken);
    const meals = points.body.ledger.items.filter((a: { ruleId: string }) => a.ruleId === 'meal-logged');
    expect(meals).toHaveLength(4);
    const refused = await api.get('/v1/analytics/nutrition?period=day', member.accessToken);
    expect([refused.status, refused.body.code]).toEqual([400, 'VALIDATION_FAILED']);
  });

  it('follows meals logged through nutrition’s routes', async () => {
    const member = await registerMember(api);
    const logged = await api.post(
      '/v1/nutrition/meals',
      { mealType: 'lunch', items: [{ name: 'Lentil soup', kcal: 420, proteinG: 24, carbsG: 60, fatG: 8 }] },
      member.accessToken,
    );
    expect(logged.status).toBe(201);
    const today = new Date().toISOString().slice(0, 10);
    const day = await waitFor(async () => {
      const week = await api.get(`/v1/analytics/nutrition?period=week&from=${today}`, member.accessToken);
      const found = week.body.days?.find((d: { date: string }) => d.date === today);
      return found?.mealsLogged === 1 ? found : undefined;
    });
    expect(day).toMatchObject({ kcal: 420, proteinG: 24, carbsG: 60, fatG: 8 });
  });
});
