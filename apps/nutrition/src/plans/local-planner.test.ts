import { createFoodIndex, loadFoods } from '@nxg/reference-data';
import { describe, expect, it } from 'vitest';
import { dailyTargets } from '../targets/daily-targets.ts';
import { allergenMatcher } from './allergens.ts';
import { plannerFoodIds, planLocally } from './local-planner.ts';

const foods = createFoodIndex(loadFoods());

const profiles = {
  'a 30-year-old man building muscle': dailyTargets({
    demographics: { age: 30, heightCm: 180, weightKg: 80, gender: 'male', activityLevel: 'active' },
    goal: 'build_muscle',
  }),
  'a 45-year-old woman losing weight': dailyTargets({
    demographics: { age: 45, heightCm: 165, weightKg: 72, gender: 'female', activityLevel: 'light' },
    goal: 'lose_weight',
  }),
  'a member with no figures': dailyTargets({ demographics: {}, goal: null }),
};

const allergySets = [
  [],
  ['peanuts', 'tree nuts'],
  ['milk', 'eggs'],
  ['gluten', 'soy'],
  ['fish', 'shellfish'],
];

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('the local meal planner', () => {
  it('uses only foods that exist in the reference data', () => {
    for (const id of plannerFoodIds) expect(foods.get(id), id).toBeDefined();
  });

  for (const [who, targets] of Object.entries(profiles)) {
    for (const allergies of allergySets) {
      it(`plans a week for ${who} (allergies: ${allergies.join(', ') || 'none'}) within ±10 % of energy and each macro, without the allergens`, () => {
        const days = planLocally(foods, { startsOn: '2026-11-30', days: 7, targets, allergies, seed: 3 });
        expect(days.map((d) => d.date)).toEqual([
          '2026-11-30',
          '2026-12-01',
          '2026-12-02',
          '2026-12-03',
          '2026-12-04',
          '2026-12-05',
          '2026-12-06',
        ]);
        const contains = allergenMatcher(allergies);
        for (const day of days) {
          const items = day.meals.flatMap((m) => m.items);
          expect(day.meals.map((m) => m.mealType)).toEqual(['breakfast', 'lunch', 'snack', 'dinner']);
          const kcal = sum(items.map((i) => i.kcal));
          expect(
            Math.abs(kcal - targets.kcal) / targets.kcal,
            `${day.date} kcal ${kcal} vs ${targets.kcal}`,
          ).toBeLessThanOrEqual(0.1);
          for (const macro of ['proteinG', 'carbsG', 'fatG'] as const) {
            const got = sum(items.map((i) => i[macro]));
            expect(
              Math.abs(got - targets[macro]) / targets[macro],
              `${day.date} ${macro} ${got} vs ${targets[macro]}`,
            ).toBeLessThanOrEqual(0.1);
          }
          for (const item of items) {
            const food = foods.get(item.foodId!)!;
            expect(contains(`${food.name} ${food.usdaDescription}`), item.name).toBeUndefined();
          }
        }
      });
    }
  }
});

describe('allergen matching', () => {
  it('finds an allergy in the words people and labels use', () => {
    expect(allergenMatcher(['peanuts'])('Peanut butter, smooth style')).toBe('peanut');
    expect(allergenMatcher(['Milk'])('Cheese, cheddar')).toBe('cheese');
    expect(allergenMatcher(['lactose'])('Yogurt, greek, plain')).toBe('yogurt');
    expect(allergenMatcher(['eggs'])('Egg, whole, cooked, hard-boiled')).toBe('egg');
    expect(allergenMatcher(['Shellfish'])('Crustaceans, shrimp, cooked')).toBeDefined();
    expect(allergenMatcher(['gluten'])('Bread, whole-wheat')).toBeDefined();
    expect(allergenMatcher(['tree nuts'])('Almonds, dry roasted')).toBe('almond');
    expect(allergenMatcher(['sesame'])('Hummus, commercial')).toBe('hummus');
    // An allergy the table does not know is looked for as written (and in the singular).
    expect(allergenMatcher(['kiwis'])('Kiwifruit, green, raw')).toBe('kiwi');
    expect(allergenMatcher(['strawberries'])('Strawberry jam')).toBe('strawberry');
  });

  it('does not take look-alikes for allergens', () => {
    expect(allergenMatcher(['eggs'])('Eggplant, cooked, boiled')).toBeUndefined();
    expect(allergenMatcher(['gluten'])('Buckwheat groats, roasted, cooked')).toBeUndefined();
    expect(allergenMatcher(['milk'])('Squash, winter, butternut, cooked')).toBeUndefined();
    expect(allergenMatcher([])('Peanut butter')).toBeUndefined();
  });
});
