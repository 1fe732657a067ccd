import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Codes of meal photos, beyond nutrition's own and the upload codes (uploads/errors.ts). */
export const mealPhotoErrorCatalog = {
  MEAL_NOT_FROM_PHOTO: {
    status: 409,
    description: 'The meal was not logged from a photo, so there is no detection to confirm',
  },
  MEAL_HAS_NO_PHOTO: { status: 404, description: 'The meal has no stored photo' },
} as const satisfies ErrorCatalog;
export const MealPhotoErrors = codesOf(mealPhotoErrorCatalog);
