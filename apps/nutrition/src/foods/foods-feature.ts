import { nutrition, NutritionErrors } from '@nxg/contracts';
import { AppError, bind, decodeCursor, defineFeature } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { toFoodView } from './food-view.ts';

/** The reference foods: search for manual entry, and one food by id. */
export const foodsFeature = defineFeature<NutritionDeps>({
  name: 'foods',
  operations: ({ foods }) => [
    bind(nutrition.searchFoods, async ({ q, limit = 20, cursor }) => {
      // The cursor is the offset in the ranked results (the index is read-only: stable ranks).
      const offset = cursor ? Number(decodeCursor(cursor, 1)[0]) : 0;
      const page = foods.search(q ?? '', {
        limit,
        offset: Number.isInteger(offset) && offset >= 0 ? offset : 0,
      });
      return {
        items: page.items.map(toFoodView),
        nextCursor:
          page.nextOffset === null
            ? null
            : Buffer.from(JSON.stringify([page.nextOffset])).toString('base64url'),
      };
    }),
    bind(nutrition.getFood, async ({ foodId }) => {
      const food = foods.get(foodId);
      if (!food) throw new AppError(404, NutritionErrors.FOOD_NOT_FOUND, 'No reference food has this id');
      return toFoodView(food);
    }),
  ],
});
