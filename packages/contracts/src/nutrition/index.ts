export * as nutrition from './operations.ts';
export * as nutritionEvents from './events.ts';
export * from './schemas.ts';
export * from './errors.ts';
export * as nutritionPhotos from './photo-operations.ts';
export * as nutritionPhotoEvents from './photo-events.ts';
export * from './photo-errors.ts';
export { MEAL_PHOTO_MAX_BYTES, MealPhotoUrl } from './photo-operations.ts';
