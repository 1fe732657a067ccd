import { defineFeature } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { mealBindings } from './meal-handlers.ts';

/** Meals: logged by hand from reference foods or free entries, listed by local day, removed. */
export const mealsFeature = defineFeature<NutritionDeps>({
  name: 'meals',
  operations: mealBindings,
});
