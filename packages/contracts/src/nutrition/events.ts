import Type from 'typebox';
import { defineEvent } from '../event.ts';
import { MealType, NutritionDate } from './schemas.ts';

const at = Type.String({ format: 'date-time' });

/** The figures analytics sums per day: a meal's totals. */
const figures = {
  kcal: Type.Number(),
  proteinG: Type.Number(),
  carbsG: Type.Number(),
  fatG: Type.Number(),
  fibreG: Type.Number(),
};

export const mealLogged = defineEvent({
  type: 'nutrition.meal.logged',
  stream: 'NUTRITION',
  dataVersion: 1,
  description:
    'A meal was logged (by hand, or a photo meal once its items are known): its totals, type, the member’s local day, and whether the active plan had that meal on that day.',
  data: Type.Object({
    userId: Type.String(),
    mealId: Type.String(),
    mealType: MealType,
    source: Type.String(),
    /** The calendar day it was eaten in the member’s time zone, and that zone. */
    localDate: NutritionDate,
    timezone: Type.String(),
    eatenAt: at,
    ...figures,
    itemCount: Type.Integer(),
    /** The active meal plan had a meal of this type on this day. */
    planned: Type.Boolean(),
    planId: Type.Union([Type.String(), Type.Null()]),
    at,
  }),
});

export const mealDeleted = defineEvent({
  type: 'nutrition.meal.deleted',
  stream: 'NUTRITION',
  dataVersion: 1,
  description:
    'A member removed a logged meal: the figures it had added to its local day are to be taken off again.',
  data: Type.Object({
    userId: Type.String(),
    mealId: Type.String(),
    mealType: MealType,
    localDate: NutritionDate,
    ...figures,
    at,
  }),
});

export const planGenerated = defineEvent({
  type: 'nutrition.plan.generated',
  stream: 'NUTRITION',
  dataVersion: 1,
  description:
    'A member got a new meal plan (asked for, weekly refresh, or goal or allergies changed): its targets and, per day, each meal with a suggested local time (for meal reminders).',
  data: Type.Object({
    userId: Type.String(),
    planId: Type.String(),
    source: Type.String(),
    reason: Type.Union([Type.Literal('requested'), Type.Literal('weekly'), Type.Literal('profile_changed')]),
    timezone: Type.String(),
    startsOn: NutritionDate,
    kcalTarget: Type.Integer(),
    proteinG: Type.Integer(),
    carbsG: Type.Integer(),
    fatG: Type.Integer(),
    days: Type.Array(
      Type.Object({
        date: NutritionDate,
        meals: Type.Array(
          Type.Object({
            mealType: MealType,
            /** HH:MM in the member’s time zone. */
            time: Type.String(),
            kcal: Type.Number(),
          }),
        ),
      }),
    ),
    at,
  }),
});

export const all = [mealLogged, mealDeleted, planGenerated];
