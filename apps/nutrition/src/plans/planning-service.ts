import type { MealType, PlanDay, Targets } from '@nxg/contracts';
import { cacheKeyOf, type ExternalClient, type MemberQuota } from '@nxg/external';
import Type from 'typebox';
import { totalsOf } from '../meals/meal-items.ts';

/** The planning service's answer, as much of it as we use: checked, so garbage is an error, not a plan. */
const PlanResponse = Type.Object({
  plan: Type.Object({
    days: Type.Array(
      Type.Object({
        date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
        meals: Type.Array(
          Type.Object({
            mealType: Type.Union(['breakfast', 'lunch', 'dinner', 'snack'].map((t) => Type.Literal(t))),
            time: Type.Optional(Type.String({ pattern: '^\\d{2}:\\d{2}$' })),
            items: Type.Array(
              Type.Object({
                name: Type.String({ minLength: 1, maxLength: 200 }),
                grams: Type.Number({ minimum: 0, maximum: 5000 }),
                calories: Type.Number({ minimum: 0, maximum: 10_000 }),
                proteinG: Type.Number({ minimum: 0, maximum: 1000 }),
                carbsG: Type.Number({ minimum: 0, maximum: 1000 }),
                fatG: Type.Number({ minimum: 0, maximum: 1000 }),
                /** What it is made of: what allergens are checked against, beside the name. */
                ingredients: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 100 })),
              }),
              { minItems: 1, maxItems: 30 },
            ),
          }),
          { minItems: 1, maxItems: 8 },
        ),
      }),
      { minItems: 1, maxItems: 14 },
    ),
  }),
});

export interface PlanningRequest {
  userId: string;
  startsOn: string;
  days: number;
  timezone: string;
  targets: Targets;
  goal: string | null;
  allergies: string[];
}

/** A planned item with what it is made of (for the allergen check), before it is stored. */
export interface PlannedItemWithIngredients {
  name: string;
  foodId?: string;
  grams: number;
  kcal: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
  ingredients?: string[];
}

export interface PlanDayDraft {
  date: string;
  meals: Array<{ mealType: MealType; time: string; items: PlannedItemWithIngredients[] }>;
}

export type PlanningService = (
  request: PlanningRequest,
) => Promise<{ days: PlanDayDraft[]; source: 'ai' | 'cache' }>;

/** Usual local times of the day's meals, when the service suggests none. */
export const defaultMealTimes: Record<MealType, string> = {
  breakfast: '07:30',
  lunch: '12:30',
  snack: '16:00',
  dinner: '19:00',
};

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * Meal plans from the nutrition planning service (seed: POST /plans/generate, API key + HMAC
 * signature, 2000 requests a day per key shared by every replica through the client's quota).
 * The same request within a day is answered from the cache (`source: cache`); each call that
 * reaches the service takes one from the member's own allowance.
 */
export function createPlanningService(client: ExternalClient, perMember: MemberQuota): PlanningService {
  return async (request) => {
    const body = {
      userId: request.userId,
      startDate: request.startsOn,
      days: request.days,
      timezone: request.timezone,
      targets: {
        calories: request.targets.kcal,
        proteinG: request.targets.proteinG,
        carbsG: request.targets.carbsG,
        fatG: request.targets.fatG,
      },
      goal: request.goal ?? 'general_fitness',
      allergies: request.allergies,
      meals: ['breakfast', 'lunch', 'snack', 'dinner'],
    };
    const result = await client.request({
      method: 'POST',
      path: '/plans/generate',
      body,
      schema: PlanResponse,
      // Generating is safe to repeat: the same request gives an equivalent plan.
      idempotent: true,
      cacheKey: cacheKeyOf('meal-plan', body),
      cacheTtlS: 24 * 3600,
      operation: 'plans.generate',
      beforeNetwork: () => perMember.take(request.userId),
    });
    const days: PlanDayDraft[] = result.data.plan.days.map((day) => ({
      date: day.date,
      meals: day.meals.map((meal) => ({
        mealType: meal.mealType as MealType,
        time: meal.time ?? defaultMealTimes[meal.mealType as MealType],
        items: meal.items.map((item) => ({
          name: item.name,
          grams: round1(item.grams),
          kcal: round1(item.calories),
          proteinG: round1(item.proteinG),
          carbsG: round1(item.carbsG),
          fatG: round1(item.fatG),
          ...(item.ingredients ? { ingredients: item.ingredients } : {}),
        })),
      })),
    }));
    return { days, source: result.source === 'network' ? 'ai' : 'cache' };
  };
}

/** Drafts as stored and answered: ingredients dropped, each meal and day with its totals. */
export function finishDays(drafts: PlanDayDraft[]): PlanDay[] {
  return drafts.map((day) => {
    const meals = day.meals.map((meal) => {
      const items = meal.items.map(({ ingredients: _ingredients, ...item }) => item);
      return { mealType: meal.mealType, time: meal.time, items, totals: totalsOf(items) };
    });
    return { date: day.date, meals, totals: totalsOf(meals.map((m) => m.totals)) };
  });
}
