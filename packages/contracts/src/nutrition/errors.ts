import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Every error code nutrition answers with, beyond the common ones. */
export const nutritionErrorCatalog = {
  FOOD_NOT_FOUND: { status: 404, description: 'No reference food has this id' },
  UNKNOWN_FOOD: { status: 400, description: 'An item names a `foodId` that no reference food has' },
  FOOD_FIGURES_UNKNOWN: {
    status: 400,
    description: 'The reference food has no energy figure; enter the item with its own figures',
  },
  MEAL_IN_FUTURE: { status: 400, description: '`eatenAt` is in the future' },
  MEAL_NOT_FOUND: { status: 404, description: 'The member has no meal with this id' },
  INVALID_DATE_RANGE: {
    status: 400,
    description: '`from` is after `to`, or the range is longer than 366 days',
  },
  MACROS_EXCEED_WEIGHT: {
    status: 400,
    description: 'A free entry’s protein, carbs and fat weigh more than its `grams`',
  },
  NO_ACTIVE_MEAL_PLAN: { status: 404, description: 'The member has no meal plan yet; generate one' },
} as const satisfies ErrorCatalog;
export const NutritionErrors = codesOf(nutritionErrorCatalog);
