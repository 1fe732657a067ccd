import { NutritionErrors, type MealEntry, type MealItem, type Totals } from '@nxg/contracts';
import { AppError } from '@nxg/platform';
import type { FoodIndex } from '@nxg/reference-data';

const round1 = (n: number) => Math.round(n * 10) / 10;

/**
 * A figure per 100 g scaled to `grams`, rounded as a label prints it: reference-data's
 * `nutrientsFor` for the five figures a meal item holds, without scaling the thirteen it knows (a
 * meal is logged thousands of times a second; that cost a few microseconds per item).
 */
const scaled = (per100: number | null, grams: number) =>
  per100 === null ? null : round1((per100 * grams) / 100);

/**
 * The items of a meal from what the member entered: a reference food's figures scaled to its
 * grams, or a free entry's own figures. An unknown food, a food without an energy figure, or a
 * free entry whose macros weigh more than the entry itself is refused (400), before anything is
 * stored.
 */
export function itemsFromEntries(foods: FoodIndex, entries: MealEntry[]): MealItem[] {
  return entries.map((entry, index) => {
    if ('foodId' in entry) {
      const food = foods.get(entry.foodId);
      if (!food)
        throw new AppError(
          400,
          NutritionErrors.UNKNOWN_FOOD,
          `items[${index}]: no reference food ${entry.foodId}`,
          {
            details: { index, foodId: entry.foodId },
          },
        );
      const kcal = scaled(food.per100g.kcal, entry.grams);
      if (kcal === null)
        throw new AppError(
          400,
          NutritionErrors.FOOD_FIGURES_UNKNOWN,
          `items[${index}]: ${food.name} has no energy figure`,
          { details: { index, foodId: food.id } },
        );
      const fibreG = scaled(food.per100g.fibreG, entry.grams);
      // A macro SR28 has no figure for counts as none (it is unknown for a handful of foods).
      return {
        name: food.name,
        foodId: food.id,
        grams: entry.grams,
        kcal,
        proteinG: scaled(food.per100g.proteinG, entry.grams) ?? 0,
        carbsG: scaled(food.per100g.carbsG, entry.grams) ?? 0,
        fatG: scaled(food.per100g.fatG, entry.grams) ?? 0,
        ...(fibreG === null ? {} : { fibreG }),
      };
    }
    const macrosG = entry.proteinG + entry.carbsG + entry.fatG + (entry.fibreG ?? 0);
    // Half a gram of slack for rounding on labels.
    if (entry.grams !== undefined && macrosG > entry.grams + 0.5)
      throw new AppError(
        400,
        NutritionErrors.MACROS_EXCEED_WEIGHT,
        `items[${index}]: ${macrosG} g of macros in ${entry.grams} g`,
        { details: { index } },
      );
    return {
      name: entry.name.trim(),
      grams: entry.grams ?? null,
      kcal: round1(entry.kcal),
      proteinG: round1(entry.proteinG),
      carbsG: round1(entry.carbsG),
      fatG: round1(entry.fatG),
      ...(entry.fibreG === undefined ? {} : { fibreG: round1(entry.fibreG) }),
    };
  });
}

/** The sum of items' figures (fibre counted where known). */
export function totalsOf(
  items: Array<Pick<MealItem, 'kcal' | 'proteinG' | 'carbsG' | 'fatG' | 'fibreG'>>,
): Totals {
  const sum = (pick: (i: (typeof items)[number]) => number | undefined) =>
    round1(items.reduce((acc, i) => acc + (pick(i) ?? 0), 0));
  return {
    kcal: sum((i) => i.kcal),
    proteinG: sum((i) => i.proteinG),
    carbsG: sum((i) => i.carbsG),
    fatG: sum((i) => i.fatG),
    fibreG: sum((i) => i.fibreG),
  };
}
