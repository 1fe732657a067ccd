import { describe, expect, it } from 'vitest';
import { loadFoods } from './food-loader.ts';
import { createFoodIndex } from './food-search.ts';

const index = createFoodIndex(loadFoods());
const top = (query: string, limit = 10) => index.search(query, { limit }).items;

describe('food search', () => {
  it('finds raw and cooked chicken breast first for "chicken breast", not soups or tenders', () => {
    const found = top('chicken breast');
    for (const f of found.slice(0, 5)) {
      expect(f.foodGroup).toBe('Poultry Products');
      expect(f.name).toMatch(/^Chicken, broilers? or fryers, breast/);
    }
    const ids = found.slice(0, 8).map((f) => f.id);
    expect(ids).toContain('05057'); // raw
    expect(ids).toContain('05064'); // cooked, roasted
    expect(found.some((f) => /soup|tenders/i.test(f.name))).toBe(false);
  });

  it('matches words by their beginnings: "chick bre"', () => {
    const found = top('chick bre');
    expect(found.length).toBe(10);
    expect(found.every((f) => /chick/i.test(f.name) && /\bbre/i.test(f.name))).toBe(true);
    expect(found.map((f) => f.id)).toContain('05064');
  });

  it('ignores case and accents', () => {
    expect(top('CHICKEN BREAST').map((f) => f.id)).toEqual(top('chicken breast').map((f) => f.id));
    expect(top('jalapeño', 3)[0]).toMatchObject({ id: '11979', name: 'Peppers, jalapeno, raw' });
  });

  it('finds foods by the words USDA abbreviated', () => {
    expect(top('brown rice cooked', 2).map((f) => f.name)).toEqual([
      'Rice, brown, long-grain, cooked',
      'Rice, brown, medium-grain, cooked',
    ]);
    expect(top('apple raw', 1)[0]!.id).toBe('09003');
    expect(top('greek yogurt plain', 3).every((f) => /^Yogurt, greek, plain/.test(f.name))).toBe(true);
  });

  it('falls back to the closest words when no food holds them all', () => {
    const found = top('salmonn', 5);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => /salmon/i.test(f.name))).toBe(true);
  });

  it('pages through the results with limit and offset', () => {
    const first = index.search('chicken', { limit: 5 });
    const second = index.search('chicken', { limit: 5, offset: 5 });
    expect(first.total).toBeGreaterThan(100);
    expect(first.nextOffset).toBe(5);
    expect(second.items).toHaveLength(5);
    expect(second.items.map((f) => f.id)).not.toContain(first.items[0]!.id);
    const last = index.search('chicken', { limit: 5, offset: first.total - 2 });
    expect(last.items).toHaveLength(2);
    expect(last.nextOffset).toBeNull();
  });

  it('lists every food by name for an empty query, and nothing for nonsense', () => {
    const all = index.search('  ', { limit: 3 });
    expect(all.total).toBe(8790);
    expect(all.items.map((f) => f.name)).toEqual(
      [...all.items.map((f) => f.name)].sort((a, b) => a.localeCompare(b)),
    );
    expect(index.search('qqqzzzxx').items).toEqual([]);
    expect(index.get('05064')?.per100g.kcal).toBe(165);
    expect(index.get('99999')).toBeUndefined();
  });
});
