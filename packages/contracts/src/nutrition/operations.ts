import Type from 'typebox';
import { defineOperation } from '../operation.ts';
import { CommonErrorCodes as C } from '../errors.ts';
import { Id, page, Pagination } from '../identity/schemas.ts';
import { AnalyticsErrors } from '../analytics/errors.ts';
import { NutritionErrors as E } from './errors.ts';
import { DayView, Food, Meal, MealEntry, MealPlan, MealType, NutritionDate, Targets } from './schemas.ts';

const humans = ['member'] as const;
const at = Type.String({ format: 'date-time' });

export const searchFoods = defineOperation('nutrition', 'foods.search', {
  summary:
    'Reference foods (USDA SR28) by words and their beginnings, best match first; per 100 g and per household portion',
  http: { method: 'GET', path: '/v1/nutrition/foods', status: 200 },
  access: humans,
  query: Type.Object(
    { q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })), ...Pagination },
    { additionalProperties: false },
  ),
  output: page(Food),
});

export const getFood = defineOperation('nutrition', 'foods.get', {
  summary: 'One reference food',
  http: { method: 'GET', path: '/v1/nutrition/foods/{foodId}', status: 200 },
  access: humans,
  params: Type.Object(
    { foodId: Type.String({ minLength: 1, maxLength: 20 }) },
    { additionalProperties: false },
  ),
  output: Food,
  errors: [E.FOOD_NOT_FOUND],
});

export const logMeal = defineOperation('nutrition', 'meals.create', {
  summary:
    'Log a meal: reference foods by weight (macros computed here) or free entries with their own figures',
  http: { method: 'POST', path: '/v1/nutrition/meals', status: 201, bodyLimit: 32_768 },
  access: humans,
  critical: true,
  body: Type.Object(
    {
      mealType: MealType,
      /** When it was eaten; now when absent. */
      eatenAt: Type.Optional(at),
      items: Type.Array(MealEntry, { minItems: 1, maxItems: 50 }),
    },
    { additionalProperties: false },
  ),
  output: Meal,
  errors: [E.UNKNOWN_FOOD, E.FOOD_FIGURES_UNKNOWN, E.MEAL_IN_FUTURE, E.MACROS_EXCEED_WEIGHT],
});

export const listMeals = defineOperation('nutrition', 'meals.list', {
  summary: 'Meals eaten between two calendar days (inclusive, in the member’s time zone), newest first',
  http: { method: 'GET', path: '/v1/nutrition/meals', status: 200 },
  access: humans,
  query: Type.Object(
    { from: Type.Optional(NutritionDate), to: Type.Optional(NutritionDate), ...Pagination },
    { additionalProperties: false },
  ),
  output: page(Meal),
  errors: [AnalyticsErrors.INVALID_DATE, E.INVALID_DATE_RANGE],
});

export const deleteMeal = defineOperation('nutrition', 'meals.delete', {
  summary: 'Remove a meal from the log',
  http: { method: 'DELETE', path: '/v1/nutrition/meals/{mealId}', status: 204 },
  access: humans,
  params: Type.Object({ mealId: Id }, { additionalProperties: false }),
  output: null,
  errors: [E.MEAL_NOT_FOUND],
});

export const getDay = defineOperation('nutrition', 'days.get', {
  summary: 'One day in the member’s time zone: planned vs eaten, per meal and in total, with the targets',
  http: { method: 'GET', path: '/v1/nutrition/days/{date}', status: 200 },
  access: humans,
  params: Type.Object({ date: NutritionDate }, { additionalProperties: false }),
  output: DayView,
  errors: [AnalyticsErrors.INVALID_DATE],
});

export const getTargets = defineOperation('nutrition', 'targets.get', {
  summary:
    'Daily energy and macro targets from the profile (Mifflin-St Jeor, activity factor, goal); reference defaults when figures are missing',
  http: { method: 'GET', path: '/v1/nutrition/targets', status: 200 },
  access: humans,
  output: Targets,
});

export const generatePlan = defineOperation('nutrition', 'plans.generate', {
  summary:
    'A new week of meals for the member’s targets, never with a declared allergen (planning service, else built from reference foods)',
  http: { method: 'POST', path: '/v1/nutrition/plans/generate', status: 201 },
  access: humans,
  critical: true,
  body: Type.Object(
    {
      /** Days to plan from today (the member's today); a week unless said. */
      days: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 })),
    },
    { additionalProperties: false },
  ),
  output: MealPlan,
  errors: [C.MEMBER_QUOTA_EXHAUSTED],
});

export const activePlan = defineOperation('nutrition', 'plans.active', {
  summary: 'The member’s current meal plan',
  http: { method: 'GET', path: '/v1/nutrition/plans/active', status: 200 },
  access: humans,
  output: MealPlan,
  errors: [E.NO_ACTIVE_MEAL_PLAN],
});

export const all = [
  searchFoods,
  getFood,
  logMeal,
  listMeals,
  deleteMeal,
  getDay,
  getTargets,
  generatePlan,
  activePlan,
] as const;
