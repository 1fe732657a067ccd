import Type from 'typebox';
import { Id } from '../identity/schemas.ts';
import { defineOperation } from '../operation.ts';
import { UploadErrors as U } from '../uploads/errors.ts';
import { StoredImage } from '../uploads/schemas.ts';
import { NutritionErrors as E } from './errors.ts';
import { MealPhotoErrors as P } from './photo-errors.ts';
import { Meal, MealEntry, MealType } from './schemas.ts';

const humans = ['member'] as const;
const at = Type.String({ format: 'date-time' });

/** Largest photo accepted, in bytes (a phone photo is 2-8 MB). */
export const MEAL_PHOTO_MAX_BYTES = 15 * 1024 * 1024;

export const logPhotoMeal = defineOperation('nutrition', 'meals.photo', {
  summary:
    'Log a meal from a photo (multipart, one JPEG, PNG or WebP in `photo`): the image is checked by content, turned upright, stripped of EXIF and GPS, stored, and analysed. Confident items are accepted, unsure ones come back to confirm (with alternatives), the rest for manual entry (with food suggestions); when detection is unavailable the meal is answered at once for manual entry and analysed later',
  http: {
    method: 'POST',
    path: '/v1/nutrition/meals/photo',
    status: 201,
    upload: {
      fileField: 'photo',
      fields: Type.Object(
        {
          /** Guessed from the local time it was eaten when absent. */
          mealType: Type.Optional(MealType),
          /** When it was eaten; now when absent. */
          eatenAt: Type.Optional(at),
        },
        { additionalProperties: false },
      ),
      maxBytes: MEAL_PHOTO_MAX_BYTES,
      keyPrefix: 'nutrition/meals',
      imageProperty: 'photo',
      idProperty: 'uploadId',
    },
  },
  access: humans,
  // What the gateway sends over NATS once the image is stored: its key, never its bytes.
  body: Type.Object(
    {
      uploadId: Type.String({ format: 'uuid' }),
      photo: StoredImage,
      mealType: Type.Optional(MealType),
      eatenAt: Type.Optional(at),
    },
    { additionalProperties: false },
  ),
  output: Meal,
  errors: [
    E.MEAL_IN_FUTURE,
    U.UPLOAD_NOT_MULTIPART,
    U.UPLOAD_MALFORMED,
    U.UPLOAD_FILE_MISSING,
    U.UPLOAD_FILE_EMPTY,
    U.UPLOAD_TOO_MANY_FILES,
    U.UPLOAD_UNKNOWN_FIELD,
    U.UPLOAD_TOO_LARGE,
    U.IMAGE_UNSUPPORTED,
    U.IMAGE_TOO_MANY_PIXELS,
    U.IMAGE_CORRUPT,
  ],
});

export const confirmPhotoMeal = defineOperation('nutrition', 'meals.confirm', {
  summary:
    'Confirm or correct a photo meal’s items (reference foods by weight, or free entries): stored as the meal’s items and sent to the detection service as feedback',
  http: { method: 'POST', path: '/v1/nutrition/meals/{mealId}/confirm', status: 200, bodyLimit: 32_768 },
  access: humans,
  params: Type.Object({ mealId: Id }, { additionalProperties: false }),
  body: Type.Object(
    { items: Type.Array(MealEntry, { minItems: 1, maxItems: 50 }) },
    { additionalProperties: false },
  ),
  output: Meal,
  errors: [
    E.MEAL_NOT_FOUND,
    P.MEAL_NOT_FROM_PHOTO,
    E.UNKNOWN_FOOD,
    E.FOOD_FIGURES_UNKNOWN,
    E.MACROS_EXCEED_WEIGHT,
  ],
});

export const MealPhotoUrl = Type.Object({
  /** Reads the photo without other credentials until `expiresAt`. */
  url: Type.String(),
  expiresAt: at,
});

export const mealPhotoUrl = defineOperation('nutrition', 'meals.photo-url', {
  summary: 'A short-lived URL of the meal’s stored photo (EXIF and GPS already removed)',
  http: { method: 'GET', path: '/v1/nutrition/meals/{mealId}/photo', status: 200 },
  access: humans,
  params: Type.Object({ mealId: Id }, { additionalProperties: false }),
  output: MealPhotoUrl,
  errors: [E.MEAL_NOT_FOUND, P.MEAL_HAS_NO_PHOTO],
});

export const all = [logPhotoMeal, confirmPhotoMeal, mealPhotoUrl] as const;
