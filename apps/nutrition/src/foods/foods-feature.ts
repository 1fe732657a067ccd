import { CommonErrorCodes, nutrition, NutritionErrors } from '@nxg/contracts';
import { AppError, bind, decodeCursor, defineFeature } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { toFoodView } from './food-view.ts';

/** The ranked results are read-only (the index changes only with a release): a page is an offset. */
const offsetCursor = (offset: number) => Buffer.from(JSON.stringify([offset])).toString('base64url');

function offsetOf(cursor: string | undefined): number {
  if (!cursor) return 0;
  const [offset] = decodeCursor(cursor, 1);
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
    throw new AppError(400, CommonErrorCodes.INVALID_CURSOR, 'The cursor is not one this list gave out');
  return offset;
}

/** The reference foods: search for manual entry, and one food by id. */
export const foodsFeature = defineFeature<NutritionDeps>({
  name: 'foods',
  operations: ({ foods }) => [
    bind(nutrition.searchFoods, async ({ q, limit = 20, cursor }) => {
      const page = foods.search(q ?? '', { limit, offset: offsetOf(cursor) });
      return {
        items: page.items.map(toFoodView),
        nextCursor: page.nextOffset === null ? null : offsetCursor(page.nextOffset),
      };
    }),
    bind(nutrition.getFood, async ({ foodId }) => {
      const food = foods.get(foodId);
      if (!food) throw new AppError(404, NutritionErrors.FOOD_NOT_FOUND, 'No reference food has this id');
      return toFoodView(food);
    }),
  ],
});
