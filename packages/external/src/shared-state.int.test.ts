import { startWorkoutPlanningStandIn, type WorkoutPlanningStandIn } from '@nxg/testing';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyHeader } from './auth-schemes.ts';
import { createExternalClient, type ExternalClient, type ExternalClientOptions } from './external-client.ts';
import type { ExternalError } from './external-errors.ts';
import { cacheKinds, replicaCaches, silentLogger } from './test-support.ts';

const planRequest = { goal: 'strength', level: 'advanced', daysPerWeek: 5, equipment: ['barbell', 'bench'] };

// Two client instances standing for two replicas of a service: with Redis, each on its own
// connection to one Redis; without it, on one in-process store. What they share is the quota,
// the pause a 429 asks for, and the response cache. Counts are taken at the stand-in.
describe.each(cacheKinds)('two replicas sharing the $kind cache', ({ kind, url }) => {
  const unavailable = kind === 'redis' && !url;
  let standIn: WorkoutPlanningStandIn;
  let caches: ReturnType<typeof replicaCaches>;
  let replicas: ExternalClient[] = [];

  const twoReplicas = (overrides: Partial<ExternalClientOptions> = {}) => {
    replicas = [0, 1].map(() =>
      createExternalClient({
        name: 'workout-planning',
        baseUrl: standIn.baseUrl,
        auth: apiKeyHeader('X-Api-Key', standIn.apiKey),
        quota: { limit: 1000, windowS: 3600 },
        cache: caches.open(),
        logger: silentLogger,
        retry: { initialDelayMs: 5, maxDelayMs: 50 },
        ...overrides,
      }),
    );
    return replicas as [ExternalClient, ExternalClient];
  };

  /** `perReplica` concurrent plan requests from each replica; the errors of those that failed. */
  const storm = async (perReplica: number, idempotent = true) => {
    const calls = replicas.flatMap((replica) =>
      Array.from({ length: perReplica }, () =>
        replica.request({ method: 'POST', path: '/plans/generate', body: planRequest, idempotent }),
      ),
    );
    const settled = await Promise.allSettled(calls);
    return {
      ok: settled.filter((s) => s.status === 'fulfilled').length,
      errors: settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as ExternalError] : [])),
    };
  };

  beforeAll(async () => {
    if (unavailable) return;
    standIn = await startWorkoutPlanningStandIn();
  });
  afterAll(async () => {
    await standIn?.close();
  });
  beforeEach(() => {
    if (unavailable) return;
    standIn.reset();
    caches = replicaCaches(url);
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map((r) => r.close()));
    await caches?.dispose();
  });

  it.skipIf(unavailable)(
    'a storm of calls sends exactly the quota, and refuses the rest locally',
    async () => {
      twoReplicas({ quota: { limit: 10, windowS: 60 } });
      const { ok, errors } = await storm(25);
      expect(standIn.count()).toBe(10);
      expect(ok).toBe(10);
      expect(errors).toHaveLength(40);
      expect(errors.every((e) => e.code === 'EXTERNAL_QUOTA_EXHAUSTED' && !e.sent)).toBe(true);
    },
  );

  it.skipIf(unavailable)(
    'a 429 storm never sends more than the quota, and no call retries more than 3 times',
    async () => {
      standIn.behave({ mode: 'rate-limit', retryAfterS: 1 });
      const [a, b] = twoReplicas({ quota: { limit: 25, windowS: 60 } });
      // 10 calls with 3 retries each could send 40 requests: the quota stops them at 25.
      const { ok, errors } = await storm(5);
      expect(ok).toBe(0);
      expect(errors).toHaveLength(10);
      expect(
        errors.every((e) => ['EXTERNAL_RATE_LIMITED', 'EXTERNAL_QUOTA_EXHAUSTED'].includes(e.code)),
      ).toBe(true);
      const received = standIn.requests();
      expect(received.length).toBeGreaterThanOrEqual(10);
      expect(received.length).toBeLessThanOrEqual(25);
      expect(received.every((r) => r.status === 429)).toBe(true);
      const [ma, mb] = [a.metrics(), b.metrics()];
      expect(ma.sent + mb.sent).toBe(received.length);
      expect(ma.retries + mb.retries).toBeLessThanOrEqual(3 * 10);
      // Both replicas waited the second the first 429 asked for before sending again.
      const first = received[0]!.at;
      const later = received.filter((r) => r.at - first > 500);
      expect(later.length).toBeGreaterThan(0);
      expect(later.every((r) => r.at - first >= 1_000)).toBe(true);
    },
    20_000,
  );

  it.skipIf(unavailable)(
    'when the service’s own limit is lower than our quota, its 429 + Retry-After holds both replicas back',
    async () => {
      await standIn.close();
      standIn = await startWorkoutPlanningStandIn({ rateLimit: { limit: 4, windowS: 3600 } });
      twoReplicas({ quota: { limit: 50, windowS: 3600 } });
      const first = await storm(10);
      expect(first.ok).toBe(4);
      const received = standIn.count();
      // The 429s asked for an hour: every later call from either replica stays home.
      const second = await storm(10);
      expect(second.ok).toBe(0);
      expect(second.errors.every((e) => e.code === 'EXTERNAL_RATE_LIMITED' && !e.sent)).toBe(true);
      expect(standIn.count()).toBe(received);
    },
  );

  it.skipIf(unavailable)('a plan fetched by one replica is a cache hit for the other', async () => {
    const [a, b] = twoReplicas();
    const request = {
      method: 'POST',
      path: '/plans/generate',
      body: planRequest,
      cacheKey: 'plan-1',
    } as const;
    expect((await a.request(request)).source).toBe('network');
    const fromB = await b.request(request);
    expect(fromB.source).toBe('cache');
    expect(standIn.count()).toBe(1);
    expect(b.metrics()).toMatchObject({ cacheHits: 1, sent: 0 });
  });
});
