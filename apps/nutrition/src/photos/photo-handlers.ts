import { MealPhotoErrors, nutritionPhotos, NutritionErrors } from '@nxg/contracts';
import { AppError, bind, requireUser, type Binding, type Database, type ObjectStore } from '@nxg/platform';
import type { PhotoMeals } from './photo-meals.ts';
import { mealPhotoKey } from './photo-store.ts';

/** Photo meals: logged from an uploaded photo, confirmed or corrected, their photo read back. */
export function photoBindings(deps: {
  db: Database;
  store: ObjectStore;
  meals: PhotoMeals;
  urlTtlS: number;
}): Binding[] {
  const { db, store, meals } = deps;
  return [
    bind(nutritionPhotos.logPhotoMeal, async (input, ctx) => meals.create(requireUser(ctx), input)),

    bind(nutritionPhotos.confirmPhotoMeal, async ({ mealId, items }, ctx) =>
      meals.confirm(requireUser(ctx), mealId, items),
    ),

    bind(nutritionPhotos.mealPhotoUrl, async ({ mealId }, ctx) => {
      const row = await mealPhotoKey(db, mealId, requireUser(ctx));
      if (!row) throw new AppError(404, NutritionErrors.MEAL_NOT_FOUND, 'No meal of yours has this id');
      if (!row.photo_key)
        throw new AppError(404, MealPhotoErrors.MEAL_HAS_NO_PHOTO, 'This meal has no photo');
      const expiresAt = new Date(Date.now() + deps.urlTtlS * 1000).toISOString();
      return { url: await store.signedUrl(row.photo_key, { expiresInS: deps.urlTtlS }), expiresAt };
    }),
  ];
}
