import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from './cache.ts';
import { testBackends, uniqueSuffix } from './test-support.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const kinds = [
  { kind: 'memory', url: undefined },
  { kind: 'redis', url: testBackends.redisUrl },
] as const;

// Each test uses its own keys, so they run side by side to keep the expiry waits short.
describe.concurrent.each(kinds)('$kind cache', ({ kind, url }) => {
  const unavailable = kind === 'redis' && !url;
  const prefix = `nxgtest:${uniqueSuffix()}:`;
  let cache: Cache;

  beforeAll(() => {
    if (!unavailable) cache = createCache({ url, prefix });
  });

  afterAll(async () => {
    if (!cache) return;
    const keys = (await cache.redis?.keys(`${prefix}*`)) ?? [];
    if (keys.length > 0) await cache.redis?.del(...keys);
    await cache.close();
  });

  it.skipIf(unavailable)('is the kind asked for and answers a ping', async () => {
    expect(cache.kind).toBe(kind);
    expect(Boolean(cache.redis)).toBe(kind === 'redis');
    expect(await cache.ping()).toBe(true);
  });

  it.skipIf(unavailable)('gives back what was set until it expires', async () => {
    await cache.set('greeting', 'hello', 1);
    expect(await cache.get('greeting')).toBe('hello');
    expect(await cache.get('never-set')).toBeNull();
    await sleep(1_150);
    expect(await cache.get('greeting')).toBeNull();
  });

  it.skipIf(unavailable)('overwrites a value and deletes it on request', async () => {
    await cache.set('key', 'one', 30);
    await cache.set('key', 'two', 30);
    expect(await cache.get('key')).toBe('two');
    await cache.del('key');
    expect(await cache.get('key')).toBeNull();
    await cache.del('key');
  });

  it.skipIf(unavailable)(
    'stores a value only when the key is absent, once among racing callers',
    async () => {
      const claims = await Promise.all(
        Array.from({ length: 5 }, (_, i) => cache.setIfAbsent('claimed', `caller-${i}`, 30)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(await cache.get('claimed')).toBe(`caller-${claims.indexOf(true)}`);
      await cache.del('claimed');
      expect(await cache.setIfAbsent('claimed', 'again', 30)).toBe(true);
    },
  );

  it.skipIf(unavailable)('keeps keys of another prefix apart', async () => {
    const other = createCache({ url, prefix: `${prefix}other:` });
    try {
      await cache.set('shared-name', 'mine', 30);
      expect(await other.get('shared-name')).toBeNull();
    } finally {
      await other.close();
    }
  });

  it.skipIf(unavailable)(
    'counts within a window that the first increment starts and later ones do not extend',
    async () => {
      expect(await cache.increment('hits', 2)).toBe(1);
      expect(await cache.ttl('hits')).toBeGreaterThan(0);
      expect(await cache.ttl('hits')).toBeLessThanOrEqual(2);
      await sleep(1_100);
      expect(await cache.increment('hits', 2)).toBe(2);
      // The window still ends 2 s after the first hit, not the second.
      expect(await cache.ttl('hits')).toBeLessThanOrEqual(1);
      expect(await cache.increment('hits', 2)).toBe(3);
      await sleep(1_100);
      expect(await cache.increment('hits', 2)).toBe(1);
    },
  );

  it.skipIf(unavailable)('counts concurrent increments without losing any', async () => {
    const counts = await Promise.all(Array.from({ length: 50 }, () => cache.increment('burst', 30)));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it.skipIf(unavailable)('reports the seconds left, or -1 for a key that does not exist', async () => {
    await cache.set('session', 'x', 60);
    const left = await cache.ttl('session');
    expect(left).toBeGreaterThan(55);
    expect(left).toBeLessThanOrEqual(60);
    expect(await cache.ttl('missing')).toBe(-1);
    await cache.del('session');
    expect(await cache.ttl('session')).toBe(-1);
  });
});

describe('redis cache without a server', () => {
  it('reports itself down instead of crashing the process', async () => {
    const cache = createCache({ url: 'redis://127.0.0.1:1', prefix: 'nxgtest:' });
    try {
      expect(cache.kind).toBe('redis');
      expect(await cache.ping()).toBe(false);
    } finally {
      await cache.close();
    }
  });
});
