import MiniSearch from 'minisearch';
import { normaliseTerm, tokenize } from '../text-terms.ts';
import type { Food } from './food-loader.ts';

export interface FoodSearchOptions {
  limit?: number;
  offset?: number;
}

export interface FoodSearchPage {
  items: Food[];
  /** How many foods match in all. */
  total: number;
  /** The offset of the next page, or null after the last. */
  nextOffset: number | null;
}

/**
 * Groups of prepared and branded foods: a search for "chicken breast" means the chicken breast
 * itself before a fast-food sandwich or a baby food that contains it.
 */
const preparedGroups = new Set([
  'Baby Foods',
  'Fast Foods',
  'Restaurant Foods',
  'Meals, Entrees, and Side Dishes',
  'Sausages and Luncheon Meats',
  'Soups, Sauces, and Gravies',
  'Snacks',
  'Sweets',
  'American Indian/Alaska Native Foods',
]);

/** The food itself, raw or simply cooked, rather than a product made from it. */
const staple = /\b(raw|cooked|roasted|boiled|grilled|broiled|stewed|braised|steamed|baked|poached)\b/;
const processed = /\b(breaded|batter|tenders|nuggets|patties|prepackaged|frozen|sandwich)\b/;

function rankFactor(food: Food): number {
  const name = food.name.toLowerCase();
  let factor = preparedGroups.has(food.foodGroup) ? 0.6 : 1;
  if (processed.test(name)) factor *= 0.7;
  else if (staple.test(name)) factor *= 1.3;
  return factor;
}

/** Indexed text of a food: its main noun (before the first comma) apart, so it can weigh more. */
const documentOf = (food: Food) => ({
  id: food.id,
  head: food.name.split(',')[0]!,
  name: `${food.name} ${food.usdaDescription}`,
  group: food.foodGroup,
});

export interface FoodIndex {
  /** Every food, in NDB order. */
  readonly foods: readonly Food[];
  get(id: string): Food | undefined;
  /**
   * Foods whose names hold every word of `query`, each word as a whole word or a prefix ("chick
   * bre"), best first; if none holds them all, those holding the most, spelling mistakes allowed.
   * An empty query lists every food by name.
   */
  search(query: string, options?: FoodSearchOptions): FoodSearchPage;
}

/** How the index is built; the same options must be given to load a serialized one. */
const indexOptions = (factors: Map<string, number>) => ({
  fields: ['head', 'name'],
  storeFields: [],
  tokenize,
  processTerm: normaliseTerm,
  searchOptions: {
    boost: { head: 2 },
    prefix: true,
    // Raw and cooked staples before prepared and branded foods that share the words.
    boostDocument: (id: string) => factors.get(id) ?? 1,
  },
});

/**
 * The food index over `foods`. `serialized` is an index this function built before for the same
 * foods (`serializeFoodIndex`): loading it is several times faster than building.
 */
export function createFoodIndex(
  foods: readonly Food[],
  serialized?: string,
): FoodIndex & { serialize(): string } {
  const byId = new Map(foods.map((f) => [f.id, f]));
  const factors = new Map(foods.map((f) => [f.id, rankFactor(f)]));
  const byName = [...foods].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  let index: MiniSearch<ReturnType<typeof documentOf>>;
  if (serialized) {
    index = MiniSearch.loadJSON(serialized, indexOptions(factors));
  } else {
    index = new MiniSearch(indexOptions(factors));
    index.addAll(foods.map(documentOf));
  }

  const matches = (query: string): string[] => {
    const all = index.search(query, { combineWith: 'AND' });
    const found = all.length ? all : index.search(query, { combineWith: 'OR', fuzzy: 0.2 });
    return found.map((r) => r.id as string);
  };

  return {
    foods,
    serialize: () => JSON.stringify(index),
    get: (id) => byId.get(id),
    search(query, { limit = 20, offset = 0 } = {}) {
      const ids = query.trim() ? matches(query) : undefined;
      const total = ids ? ids.length : byName.length;
      const slice = ids
        ? ids.slice(offset, offset + limit).map((id) => byId.get(id)!)
        : byName.slice(offset, offset + limit);
      return { items: slice, total, nextOffset: offset + limit < total ? offset + limit : null };
    },
  };
}
