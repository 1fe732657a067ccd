import type { Food as FoodView, FoodFigures } from '@nxg/contracts';
import { nutrientsFor, type Food } from '@nxg/reference-data';

const figuresOf = (food: Food, grams: number): FoodFigures => {
  const n = nutrientsFor(food, grams);
  return { kcal: n.kcal, proteinG: n.proteinG, carbsG: n.carbsG, fatG: n.fatG, fibreG: n.fibreG };
};

/** A reference food as members see it: per 100 g and per household portion. */
export const toFoodView = (food: Food): FoodView => ({
  id: food.id,
  name: food.name,
  foodGroup: food.foodGroup,
  per100g: figuresOf(food, 100),
  portions: food.portions.map((p) => ({ label: p.label, grams: p.grams, ...figuresOf(food, p.grams) })),
});
