import { nutrition, NutritionErrors } from '@nxg/contracts';
import {
  activeTrace,
  AppError,
  bind,
  createWriteBatcher,
  decodeCursor,
  requireUser,
  toPage,
  type Binding,
} from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { checkDateRange } from '../local-days.ts';
import { memberTimezone } from '../members/member-store.ts';
import { itemsFromEntries } from './meal-items.ts';
import { deleteMeal, insertMeals, mealsPage, toMeal } from './meal-store.ts';

/** A clock a few minutes fast on the phone is not a meal in the future. */
const FUTURE_SLACK_MS = 5 * 60_000;

/** Meals logged by hand, the member's meals by local date range, and removing one. */
export function mealBindings({ db, foods }: NutritionDeps): Binding[] {
  // Meals logged at the same moment share a transaction (group commit): see createWriteBatcher.
  const writeMeal = createWriteBatcher({ db, write: insertMeals });
  return [
    bind(nutrition.logMeal, async (input, ctx) => {
      const userId = requireUser(ctx);
      const eatenAt = input.eatenAt ? new Date(input.eatenAt) : new Date();
      if (eatenAt.getTime() > Date.now() + FUTURE_SLACK_MS)
        throw new AppError(400, NutritionErrors.MEAL_IN_FUTURE, 'eatenAt is in the future');
      const items = itemsFromEntries(foods, input.items);
      const saved = await writeMeal({
        userId,
        mealType: input.mealType,
        eatenAt: eatenAt.toISOString(),
        status: 'logged',
        source: 'manual',
        items,
        requestKey: ctx.idempotencyKey,
        trace: activeTrace(),
      });
      return saved;
    }),

    bind(nutrition.listMeals, async ({ from, to, limit = 20, cursor }, ctx) => {
      const userId = requireUser(ctx);
      checkDateRange(from, to);
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;
      const timeZone = await memberTimezone(db, userId);
      const rows = await mealsPage(db, userId, { from, to, timeZone }, limit + 1, after);
      return toPage(rows.map(toMeal), limit, (last) => [last.eatenAt, last.id]);
    }),

    bind(nutrition.deleteMeal, async ({ mealId }, ctx) => {
      const userId = requireUser(ctx);
      const removed = await db.transaction((tx) => deleteMeal(tx, userId, mealId));
      if (!removed) throw new AppError(404, NutritionErrors.MEAL_NOT_FOUND, 'No meal of yours has this id');
    }),
  ];
}
