import MiniSearch from 'minisearch';
import { normaliseTerm, tokenize } from './text-terms.ts';

export interface NameIndex<T> {
  /**
   * Items whose names hold every word of `query`, as whole words or beginnings ("bench pr"), best
   * first; when none holds them all, those holding the most, spelling mistakes allowed.
   */
  search(query: string): T[];
}

/**
 * A search by name over a fixed list (the exercise library), built once in memory. `textOf` gives
 * the words an item is found by (default: its name; e.g. also another name it goes by).
 */
export function createNameIndex<T extends { id: string; name: string }>(
  items: readonly T[],
  textOf: (item: T) => string = (item) => item.name,
): NameIndex<T> {
  const byId = new Map(items.map((item) => [item.id, item]));
  const index = new MiniSearch<{ id: string; name: string }>({
    fields: ['name'],
    storeFields: [],
    tokenize,
    processTerm: normaliseTerm,
    searchOptions: { prefix: true },
  });
  index.addAll(items.map((item) => ({ id: item.id, name: textOf(item) })));
  return {
    search(query) {
      const all = index.search(query, { combineWith: 'AND' });
      const found = all.length ? all : index.search(query, { combineWith: 'OR', fuzzy: 0.2 });
      return found.map((r) => byId.get(r.id as string)!);
    },
  };
}
