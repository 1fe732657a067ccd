import { createCache } from '@nxg/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExternalError } from './external-errors.ts';
import { createOutboundQuota, PublishedLimits, type OutboundQuota } from './outbound-quota.ts';
import { cacheKinds, replicaCaches, sleep, uniqueSuffix } from './test-support.ts';

/** Takes one slot; resolves to the error when refused. */
const attempt = (quota: OutboundQuota) =>
  quota.take().then(
    () => undefined,
    (error: unknown) => error as ExternalError,
  );

describe.concurrent.each(cacheKinds)('outbound quota on the $kind cache', ({ kind, url }) => {
  const unavailable = kind === 'redis' && !url;
  let caches: ReturnType<typeof replicaCaches>;

  beforeAll(() => {
    if (!unavailable) caches = replicaCaches(url);
  });
  afterAll(async () => {
    await caches?.dispose();
  });

  /** Two replicas' views of the quota of one API key. */
  const twoReplicas = (limit: number, windowS: number, slices?: number) => {
    const keyId = `key-${uniqueSuffix()}`;
    const quota = { limit, windowS, ...(slices ? { slices } : {}) };
    return [
      createOutboundQuota({ cache: caches.open(), service: 'wps', keyId, quota }),
      createOutboundQuota({ cache: caches.open(), service: 'wps', keyId, quota }),
    ] as const;
  };

  it.skipIf(unavailable)('lets exactly `limit` concurrent calls from two replicas through', async () => {
    const [a, b] = twoReplicas(25, 60);
    const outcomes = await Promise.all(Array.from({ length: 60 }, (_, i) => attempt(i % 2 ? a : b)));
    const refused = outcomes.filter((o) => o !== undefined);
    expect(outcomes.length - refused.length).toBe(25);
    for (const error of refused) {
      expect(error).toMatchObject({
        code: 'EXTERNAL_QUOTA_EXHAUSTED',
        status: 503,
        sent: false,
        retryable: false,
      });
      expect(error.retryAfterMs).toBeGreaterThan(55_000);
      expect(error.retryAfterMs).toBeLessThanOrEqual(65_000);
    }
    expect(await a.usage()).toMatchObject({ used: 25, limit: 25, windowS: 60 });
  });

  it.skipIf(unavailable)('keeps separate counts per API key', async () => {
    const cache = caches.open();
    const one = createOutboundQuota({
      cache,
      service: 'wps',
      keyId: `a-${uniqueSuffix()}`,
      quota: { limit: 1, windowS: 60 },
    });
    const two = createOutboundQuota({
      cache,
      service: 'wps',
      keyId: `b-${uniqueSuffix()}`,
      quota: { limit: 1, windowS: 60 },
    });
    expect(await attempt(one)).toBeUndefined();
    expect(await attempt(two)).toBeUndefined();
    expect((await attempt(one))?.code).toBe('EXTERNAL_QUOTA_EXHAUSTED');
  });

  it.skipIf(unavailable)(
    'gives the quota back when the window has slid past, at the time it says',
    async () => {
      const [a, b] = twoReplicas(3, 2, 2);
      for (let i = 0; i < 3; i++) expect(await attempt(i % 2 ? a : b)).toBeUndefined();
      // Refusals while full take nothing, so they do not push the end of the window out.
      for (let i = 0; i < 20; i++) expect((await attempt(a))?.code).toBe('EXTERNAL_QUOTA_EXHAUSTED');
      const refused = (await attempt(b))!;
      expect(refused.retryAfterMs).toBeGreaterThan(1_000);
      expect(refused.retryAfterMs).toBeLessThanOrEqual(3_000);
      await sleep(refused.retryAfterMs! + 50);
      expect(await attempt(a)).toBeUndefined();
    },
  );

  it.skipIf(unavailable)('holds every replica back during a pause, then lets calls through', async () => {
    const [a, b] = twoReplicas(100, 60);
    // Seconds, not milliseconds: the suite runs files in parallel, and a loaded machine must not
    // let the pause run out before the next line looks at it.
    await a.pause(3000);
    const paused = (await attempt(b))!;
    expect(paused).toMatchObject({ code: 'EXTERNAL_RATE_LIMITED', sent: false });
    expect(paused.retryAfterMs).toBeGreaterThan(2000);
    expect(paused.retryAfterMs).toBeLessThanOrEqual(3000);
    await a.pause(100); // a shorter pause does not shorten the longer one
    expect((await b.usage()).pausedForMs).toBeGreaterThan(1000);
    await sleep(3050);
    expect(await attempt(b)).toBeUndefined();
  });
});

describe('outbound quota window', () => {
  it('never lets more than `limit` calls into any window of `windowS`, wherever it starts', async () => {
    const cache = createCache({ prefix: `nxgtest:${uniqueSuffix()}:` });
    let clock = 1_700_000_000_000;
    const quota = createOutboundQuota({
      cache,
      service: 'wps',
      keyId: 'k',
      quota: { limit: 5, windowS: 10, slices: 5 },
      now: () => clock,
    });
    const accepted: number[] = [];
    // A caller every 0–1.5 s for five minutes of simulated time.
    let seed = 42;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    while (clock < 1_700_000_300_000) {
      clock += Math.floor(random() * 1_500);
      if ((await attempt(quota)) === undefined) accepted.push(clock);
    }
    await cache.close();
    for (const start of accepted) {
      const inWindow = accepted.filter((t) => t >= start && t < start + 10_000).length;
      expect(inWindow).toBeLessThanOrEqual(5);
    }
    // ...and does not waste much of it: at least 5 per 12 s (one slice of slack) on average.
    expect(accepted.length).toBeGreaterThanOrEqual(Math.floor(300 / 12) * 5);
  });

  it('lists the published limits of the seed', () => {
    expect(PublishedLimits.workoutPlanning).toEqual({ limit: 1000, windowS: 3600 });
    expect(PublishedLimits.nutritionPlanning).toEqual({ limit: 2000, windowS: 86_400 });
  });

  it('refuses calls when the quota store cannot answer, rather than risk the limit', async () => {
    const cache = createCache({ url: 'redis://127.0.0.1:1', prefix: 'nxgtest:' });
    try {
      const quota = createOutboundQuota({
        cache,
        service: 'wps',
        keyId: 'k',
        quota: { limit: 5, windowS: 60 },
      });
      expect(await attempt(quota)).toMatchObject({
        code: 'EXTERNAL_QUOTA_UNAVAILABLE',
        status: 503,
        sent: false,
      });
    } finally {
      await cache.close();
    }
  });
});
