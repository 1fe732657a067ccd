import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadFoods, type Food } from './food-loader.ts';
import { createFoodIndex, type FoodIndex } from './food-search.ts';

/**
 * What a cached index was derived from: the pinned dependency versions and this package's code
 * that turns SR28 into foods and builds the index. Any change makes a new cache file.
 */
async function cacheKey(): Promise<string> {
  const hash = createHash('sha256');
  hash.update(await readFile(new URL('../../package.json', import.meta.url)));
  for (const file of [
    'food-loader.ts',
    'food-groups.ts',
    'sr28-abbreviations.ts',
    'food-search.ts',
    '../text-terms.ts',
  ])
    hash.update(await readFile(new URL(file, import.meta.url)));
  return hash.digest('hex').slice(0, 16);
}

interface Cached {
  foods: Food[];
  index: string;
}

/**
 * The SR28 foods and their search index. With `cacheDir`, the derived foods and the built index
 * are kept there (written atomically) and read back on the next start instead of being rebuilt;
 * a missing, stale or unreadable cache is rebuilt.
 */
export async function openFoodIndex(options: { cacheDir?: string } = {}): Promise<FoodIndex> {
  if (!options.cacheDir) return createFoodIndex(loadFoods());
  const file = join(options.cacheDir, `foods-${await cacheKey()}.json`);
  const cached = await readFile(file, 'utf8')
    .then((text) => JSON.parse(text) as Cached)
    .catch(() => undefined);
  if (cached) {
    try {
      return createFoodIndex(cached.foods, cached.index);
    } catch {
      // Unreadable: rebuilt below.
    }
  }
  const foods = loadFoods();
  const index = createFoodIndex(foods);
  await mkdir(options.cacheDir, { recursive: true });
  const tmp = `${file}.${randomUUID()}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify({ foods, index: index.serialize() } satisfies Cached));
    await rename(tmp, file);
  } catch {
    // A cache that cannot be written only costs the next start its build time.
    await rm(tmp, { force: true });
  }
  return index;
}
