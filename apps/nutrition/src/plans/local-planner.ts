import type { MealType, Targets } from '@nxg/contracts';
import { nutrientsFor, type Food, type FoodIndex } from '@nxg/reference-data';
import { addDays } from '../local-days.ts';
import { allergenMatcher } from './allergens.ts';
import { defaultMealTimes, type PlanDayDraft, type PlannedItemWithIngredients } from './planning-service.ts';

/**
 * What each meal is built from: a food that brings the protein, one that brings the carbohydrate,
 * one that brings the fat, and a fixed side (vegetables, fruit). USDA SR28 numbers of plain,
 * widely eaten foods, several per role so that a week varies and any one allergy leaves options.
 */
type Role = 'protein' | 'carbs' | 'fat' | 'side';
const menu: Record<MealType, Record<Role, string[]>> = {
  breakfast: {
    // egg hard-boiled, greek yogurt nonfat, cottage cheese 1 %, tofu firm, turkey breast roasted
    protein: ['01129', '01256', '01016', '16426', '05220'],
    // oats cooked, whole-wheat bread, banana, sweet potato baked
    carbs: ['08121', '18075', '09040', '11508'],
    // almonds, peanut butter, avocado, pumpkin seed kernels, sunflower seed kernels
    fat: ['12063', '16098', '09037', '12016', '12037'],
    // strawberries, blueberries, orange
    side: ['09316', '09050', '09202'],
  },
  lunch: {
    // chicken breast roasted, tuna in water, turkey breast, tofu firm, hard-boiled egg
    protein: ['05064', '15184', '05220', '16426', '01129'],
    // brown rice, lentils, quinoa, chickpeas, whole-wheat pasta, baked potato, sweet potato
    carbs: ['20037', '16070', '20137', '16057', '20125', '11363', '11508'],
    // olive oil, avocado, walnuts
    fat: ['04053', '09037', '12155'],
    // spinach, romaine, tomatoes, carrots, cucumber
    side: ['11457', '11251', '11529', '11124', '11205'],
  },
  dinner: {
    // salmon, lean ground beef, cod, pork tenderloin, tofu, shrimp, chicken breast
    protein: ['15209', '23563', '15016', '10061', '16426', '15271', '05064'],
    // quinoa, brown rice, black beans, baked potato, whole-wheat pasta, sweet potato
    carbs: ['20137', '20037', '16015', '11363', '20125', '11508'],
    // olive oil, avocado, butter
    fat: ['04053', '09037', '01001'],
    // broccoli, green beans, carrots, spinach
    side: ['11091', '11053', '11124', '11457'],
  },
  snack: {
    // greek yogurt, cottage cheese, edamame, hard-boiled egg, turkey breast
    protein: ['01256', '01016', '11212', '01129', '05220'],
    // apple, banana, pear, rice cakes
    carbs: ['09003', '09040', '09252', '19052'],
    // almonds, cashews, pumpkin seeds, peanuts, sunflower seeds
    fat: ['12063', '12085', '12016', '16390', '12037'],
    side: [],
  },
};

/** Every food the planner may use (a test checks each is in the reference data). */
export const plannerFoodIds = [
  ...new Set(Object.values(menu).flatMap((roles) => Object.values(roles).flat())),
];

/** Shares of the day's energy per meal. */
const mealShares: Array<[MealType, number]> = [
  ['breakfast', 0.25],
  ['lunch', 0.3],
  ['snack', 0.1],
  ['dinner', 0.35],
];

/** Grams of the fixed side per meal type, and the bounds a scaled portion stays within. */
const sideGrams: Record<MealType, number> = { breakfast: 100, lunch: 80, dinner: 120, snack: 0 };
/** Less than this of a food is not worth listing. */
const MIN_PORTION_G = 5;
const bounds: Record<Role, [number, number]> = {
  protein: [0, 450],
  carbs: [0, 600],
  fat: [0, 80],
  side: [0, 300],
};

interface Figures {
  kcal: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
}

const per100 = (food: Food): Figures => ({
  kcal: food.per100g.kcal ?? 0,
  proteinG: food.per100g.proteinG ?? 0,
  carbsG: food.per100g.carbsG ?? 0,
  fatG: food.per100g.fatG ?? 0,
});

const macroOf: Record<Exclude<Role, 'side'>, keyof Figures> = {
  protein: 'proteinG',
  carbs: 'carbsG',
  fat: 'fatG',
};

/**
 * Grams of each role's food so that the meal meets its share of the protein, carbohydrate and
 * fat targets: each role is scaled in turn to close the gap in its own macro (Gauss-Seidel; the
 * roles are chosen so each dominates its macro, so a few rounds settle it), within sane portions.
 */
function solvePortions(
  picks: Partial<Record<Role, Food>>,
  target: Figures,
  side: number,
): Partial<Record<Role, number>> {
  const grams: Partial<Record<Role, number>> = { protein: 100, carbs: 100, fat: 10, side };
  const contribution = (macro: keyof Figures, except?: Role) =>
    (Object.keys(picks) as Role[])
      .filter((role) => role !== except)
      .reduce((sum, role) => sum + (per100(picks[role]!)[macro] * (grams[role] ?? 0)) / 100, 0);
  for (let round = 0; round < 25; round++) {
    for (const role of ['protein', 'carbs', 'fat'] as const) {
      const food = picks[role];
      if (!food) continue;
      const macro = macroOf[role];
      const density = per100(food)[macro];
      if (density <= 0) continue;
      const wanted = ((target[macro] - contribution(macro, role)) / density) * 100;
      const [min, max] = bounds[role];
      grams[role] = Math.min(max, Math.max(min, wanted));
    }
  }
  return grams;
}

function item(food: Food, grams: number): PlannedItemWithIngredients {
  const n = nutrientsFor(food, grams);
  return {
    name: food.name,
    foodId: food.id,
    grams,
    kcal: n.kcal ?? 0,
    proteinG: n.proteinG ?? 0,
    carbsG: n.carbsG ?? 0,
    fatG: n.fatG ?? 0,
    // USDA's own description too, for the allergen check every plan goes through.
    ingredients: [food.usdaDescription],
  };
}

export interface LocalPlanRequest {
  startsOn: string;
  days: number;
  targets: Targets;
  allergies: string[];
  /** Varies the week's picks between members (same member and week: the same plan). */
  seed: number;
}

/**
 * A week of meals built from reference foods, for when the planning service cannot answer: four
 * meals a day (shares of the energy target), each a protein, a carbohydrate and a fat food plus a
 * side, portioned to meet the day's macro targets (and so its energy, which they make up). Foods that
 * contain a declared allergen are never picked; a role with no safe food is left out and the
 * others make up the energy.
 */
export function planLocally(foods: FoodIndex, request: LocalPlanRequest): PlanDayDraft[] {
  const contains = allergenMatcher(request.allergies);
  const safe = (id: string) => {
    const food = foods.get(id);
    if (!food || food.per100g.kcal === null) return undefined;
    return contains(`${food.name} ${food.usdaDescription}`) ? undefined : food;
  };
  const options = Object.fromEntries(
    Object.entries(menu).map(([mealType, roles]) => [
      mealType,
      Object.fromEntries(
        Object.entries(roles).map(([role, ids]) => [
          role,
          ids.map(safe).filter((f): f is Food => Boolean(f)),
        ]),
      ),
    ]),
  ) as Record<MealType, Record<Role, Food[]>>;

  return Array.from({ length: request.days }, (_, dayIndex) => {
    // The week's variety: each day starts from other foods for each meal and role.
    let picks = mealShares.map(([mealType]) => {
      const chosen: Partial<Record<Role, Food>> = {};
      (['protein', 'carbs', 'fat', 'side'] as const).forEach((role, r) => {
        const list = options[mealType][role];
        if (list.length) chosen[role] = list[(request.seed + dayIndex * (r + 1) + r) % list.length];
      });
      return chosen;
    });
    let best = solveDay(picks, request.targets);
    // A pick that cannot meet the targets (a fatty fish on a low-fat day) is swapped for the
    // option that brings the day closest, one swap at a time, while that helps.
    for (let swap = 0; swap < 6 && best.error > 0.05; swap++) {
      let improved: { picks: typeof picks; solved: typeof best } | undefined;
      picks.forEach((chosen, m) => {
        for (const role of ['protein', 'carbs', 'fat'] as const) {
          for (const option of options[mealShares[m]![0]][role]) {
            if (option === chosen[role]) continue;
            const trial = picks.map((c, i) => (i === m ? { ...c, [role]: option } : c));
            const solved = solveDay(trial, request.targets);
            if (solved.error < (improved?.solved.error ?? best.error)) improved = { picks: trial, solved };
          }
        }
      });
      if (!improved) break;
      picks = improved.picks;
      best = improved.solved;
    }
    return {
      date: addDays(request.startsOn, dayIndex),
      meals: mealShares.map(([mealType], m) => ({
        mealType,
        time: defaultMealTimes[mealType],
        // A portion the targets shrank to a crumb is left out.
        items: (Object.keys(picks[m]!) as Role[])
          .filter((role) => (best.grams[m]![role] ?? 0) >= MIN_PORTION_G)
          .map((role) => item(picks[m]![role]!, Math.round(best.grams[m]![role]!))),
      })),
    };
  });
}

/**
 * Portions for a day's picks: each meal first meets its share of the targets, then (portions
 * being clamped to sane sizes, one meal misses what another can make up) each role is scaled
 * across the day to close the day's gap in its macro. `error` is the largest relative miss of
 * energy or a macro.
 */
function solveDay(
  picks: Array<Partial<Record<Role, Food>>>,
  targets: Targets,
): { grams: Array<Partial<Record<Role, number>>>; error: number } {
  const grams = picks.map((chosen, m) => {
    const share = mealShares[m]![1];
    const target: Figures = {
      kcal: targets.kcal * share,
      proteinG: targets.proteinG * share,
      carbsG: targets.carbsG * share,
      fatG: targets.fatG * share,
    };
    return solvePortions(chosen, target, chosen.side ? sideGrams[mealShares[m]![0]] : 0);
  });
  const dayTotal = (macro: keyof Figures, only?: Role, except?: Role) =>
    picks.reduce(
      (sum, chosen, m) =>
        sum +
        (Object.keys(chosen) as Role[])
          .filter((role) => (only ? role === only : role !== except))
          .reduce((s, role) => s + (per100(chosen[role]!)[macro] * (grams[m]![role] ?? 0)) / 100, 0),
      0,
    );
  const balance = () => {
    for (let round = 0; round < 12; round++) {
      for (const role of ['protein', 'carbs', 'fat'] as const) {
        const macro = macroOf[role];
        const own = dayTotal(macro, role);
        if (own <= 0) continue;
        const factor = Math.max(0, (targets[macro] - dayTotal(macro, undefined, role)) / own);
        const [min, max] = bounds[role];
        for (const portion of grams)
          if (portion[role] !== undefined)
            portion[role] = Math.min(max, Math.max(min, portion[role] * factor));
      }
    }
  };
  balance();
  // Crumbs are left out of the plan: balance again without them (a portion at 0 stays at 0).
  for (const portion of grams)
    for (const role of Object.keys(portion) as Role[]) if (portion[role]! < MIN_PORTION_G) portion[role] = 0;
  balance();
  const miss = (macro: keyof Figures) =>
    Math.abs(dayTotal(macro) - targets[macro]) / Math.max(1, targets[macro]);
  return { grams, error: Math.max(miss('kcal'), miss('proteinG'), miss('carbsG'), miss('fatG')) };
}
