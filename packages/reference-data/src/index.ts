export { dataFiles } from './data-files.ts';
export {
  loadFoods,
  foodFromRow,
  nutrientsFor,
  type Food,
  type Nutrients,
  type Portion,
} from './foods/food-loader.ts';
export {
  createFoodIndex,
  type FoodIndex,
  type FoodSearchOptions,
  type FoodSearchPage,
} from './foods/food-search.ts';
export { openFoodIndex } from './foods/food-index-cache.ts';
export { readableFoodName } from './foods/sr28-abbreviations.ts';
export { normaliseTerm, tokenize } from './text-terms.ts';
export {
  exerciseCategories,
  exerciseEquipment,
  exerciseFromSource,
  exerciseLevels,
  exerciseSlug,
  loadExercises,
  muscles,
  type ExerciseCategory,
  type ExerciseEquipment,
  type ExerciseLevel,
  type Muscle,
  type ReferenceExercise,
} from './exercises/exercise-loader.ts';
export { createNameIndex, type NameIndex } from './name-index.ts';
export {
  CALISTHENICS,
  metKcal,
  metValueFor,
  metValues,
  RESISTANCE_TRAINING,
  type MetValue,
} from './activities/met-values.ts';
