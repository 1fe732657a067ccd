import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openFoodIndex } from './food-index-cache.ts';

describe('openFoodIndex with a cache directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'food-cache-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const topIds = (index: Awaited<ReturnType<typeof openFoodIndex>>, q: string) =>
    index.search(q, { limit: 10 }).items.map((f) => f.id);

  it('builds and writes the index once, then answers the same from the cache', async () => {
    const built = await openFoodIndex({ cacheDir: dir });
    const files = await readdir(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^foods-[0-9a-f]{16}\.json$/);
    const cached = await openFoodIndex({ cacheDir: dir });
    expect(cached.foods).toHaveLength(8790);
    for (const q of ['chicken breast', 'chick bre', 'jalapeño', 'salmonn'])
      expect(topIds(cached, q)).toEqual(topIds(built, q));
    expect(cached.get('05064')).toEqual(built.get('05064'));
  });

  it('rebuilds over a damaged cache file', async () => {
    const [file] = await readdir(dir);
    await writeFile(join(dir, file!), '{"foods": [1, 2');
    const rebuilt = await openFoodIndex({ cacheDir: dir });
    expect(rebuilt.foods).toHaveLength(8790);
    expect(topIds(rebuilt, 'chicken breast')).toContain('05064');
  });
});
