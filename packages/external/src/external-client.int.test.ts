import { createCache, type AppError, type Cache } from '@nxg/platform';
import { freePort, startWorkoutPlanningStandIn, type WorkoutPlanningStandIn } from '@nxg/testing';
import Type from 'typebox';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyHeader } from './auth-schemes.ts';
import { createExternalClient, type ExternalClient, type ExternalClientOptions } from './external-client.ts';
import { ExternalError } from './external-errors.ts';
import { cacheKeyOf } from './response-cache.ts';
import { capturingLogger, silentLogger, sleep, uniqueSuffix } from './test-support.ts';

const Plan = Type.Object({
  plan: Type.Object({
    planId: Type.String(),
    goal: Type.String(),
    daysPerWeek: Type.Integer(),
    workoutDays: Type.Array(
      Type.Object({
        dayOrder: Type.Integer(),
        muscleGroup: Type.String(),
        exercises: Type.Array(
          Type.Object({
            exerciseName: Type.String(),
            sets: Type.Integer(),
            reps: Type.Optional(Type.Integer()),
            seconds: Type.Optional(Type.Integer()),
          }),
        ),
      }),
    ),
  }),
});

const planRequest = {
  userId: 'member-7f3a',
  goal: 'hypertrophy',
  level: 'intermediate',
  daysPerWeek: 4,
  equipment: ['dumbbell', 'barbell', 'cable'],
};

/** Rejects with the ExternalError a call ends in, and how long it took. */
async function failure(call: Promise<unknown>): Promise<{ error: ExternalError; ms: number }> {
  const started = performance.now();
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(ExternalError);
    return { error: error as ExternalError, ms: performance.now() - started };
  }
  throw new Error('the call succeeded');
}

describe('external client against the workout planning stand-in', () => {
  let standIn: WorkoutPlanningStandIn;
  let cache: Cache;
  const clients: ExternalClient[] = [];

  const client = (overrides: Partial<ExternalClientOptions> = {}) => {
    const created = createExternalClient({
      name: 'workout-planning',
      baseUrl: standIn.baseUrl,
      auth: apiKeyHeader('X-Api-Key', standIn.apiKey),
      quota: { limit: 1000, windowS: 3600 },
      cache,
      logger: silentLogger,
      retry: { initialDelayMs: 5, maxDelayMs: 20 },
      ...overrides,
    });
    clients.push(created);
    return created;
  };

  const generate = (
    c: ExternalClient,
    extra: { idempotent?: boolean; cacheKey?: string; cacheTtlS?: number; staleTtlS?: number } = {},
  ) => c.request({ method: 'POST', path: '/plans/generate', body: planRequest, schema: Plan, ...extra });

  beforeAll(async () => {
    standIn = await startWorkoutPlanningStandIn();
  });
  afterAll(async () => {
    await standIn.close();
  });
  beforeEach(() => {
    standIn.reset();
    // A fresh quota, breaker and response cache for each test.
    cache = createCache({ prefix: `nxgtest:${uniqueSuffix()}:` });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await cache.close();
  });

  it('gets a plan built from the request, with the API key, over the network', async () => {
    const result = await generate(client());
    expect(result).toMatchObject({ source: 'network', stale: false, attempts: 1 });
    expect(result.data.plan).toMatchObject({ goal: 'hypertrophy', daysPerWeek: 4 });
    expect(result.data.plan.workoutDays).toHaveLength(4);
    expect(result.data.plan.workoutDays[0]!.exercises[0]).toMatchObject({ sets: 4, reps: 10 });
    const [received] = standIn.requests('/v1/plans/generate');
    expect(received).toMatchObject({ method: 'POST', status: 200, body: planRequest });
    expect(received!.headers['x-api-key']).toBe(standIn.apiKey);
    expect(received!.headers['content-type']).toBe('application/json');
  });

  it('sends query parameters and reads a GET answer', async () => {
    const result = await client().request<{ exercises: { muscleGroup: string }[]; total: number }>({
      method: 'GET',
      path: '/exercises/library',
      query: { muscleGroup: 'back', equipment: undefined, limit: 2 },
    });
    expect(result.data.exercises).toHaveLength(2);
    expect(result.data.exercises.every((e) => e.muscleGroup === 'back')).toBe(true);
    expect(standIn.requests()[0]).toMatchObject({ url: '/v1/exercises/library?muscleGroup=back&limit=2' });
  });

  it('times out a slow answer as EXTERNAL_TIMEOUT (504) and does not resend a non-idempotent request', async () => {
    standIn.behave({ mode: 'slow', delayMs: 3_000 });
    const { error, ms } = await failure(generate(client({ timeoutMs: 300 })));
    expect(error).toMatchObject({ code: 'EXTERNAL_TIMEOUT', status: 504 });
    expect(ms).toBeGreaterThanOrEqual(290);
    expect(ms).toBeLessThan(1_500);
    expect(standIn.count()).toBe(1);
  });

  it('defaults to the seed timeouts: 10 s for AI services, 5 s for others', async () => {
    standIn.behave({ mode: 'slow', delayMs: 5_600 });
    const started = performance.now();
    const other = client({ kind: 'other', retry: { maxRetries: 0 } });
    const ai = client({ retry: { maxRetries: 0 } });
    const [otherResult, aiResult] = await Promise.allSettled([generate(other), generate(ai)]);
    expect(otherResult.status).toBe('rejected');
    expect((otherResult as PromiseRejectedResult).reason).toMatchObject({ code: 'EXTERNAL_TIMEOUT' });
    expect(aiResult.status).toBe('fulfilled');
    expect(performance.now() - started).toBeGreaterThan(5_000);
  }, 15_000);

  it('retries an idempotent request at most 3 times, with growing delays', async () => {
    standIn.behave({ mode: 'fail', status: 503 });
    const c = client({ retry: { initialDelayMs: 20, maxDelayMs: 200 } });
    const { error } = await failure(generate(c, { idempotent: true }));
    expect(error).toMatchObject({ code: 'EXTERNAL_UNAVAILABLE', status: 502, upstreamStatus: 503 });
    expect(standIn.count()).toBe(4);
    expect(c.metrics()).toMatchObject({ calls: 1, sent: 4, retries: 3, failures: 1 });
    const times = standIn.requests().map((r) => r.at);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1);
  });

  it('does not retry a non-idempotent request that reached the service', async () => {
    standIn.behave({ mode: 'fail', status: 500 });
    const c = client();
    const { error } = await failure(generate(c));
    expect(error.code).toBe('EXTERNAL_UNAVAILABLE');
    expect(standIn.count()).toBe(1);
    expect(c.metrics().retries).toBe(0);
  });

  it('succeeds on a retry when the service recovers', async () => {
    standIn.behave({ mode: 'fail', times: 2 });
    const result = await generate(client(), { idempotent: true });
    expect(result.attempts).toBe(3);
    expect(standIn.count()).toBe(3);
  });

  it('retries any request that never left (connection refused), at most 3 times', async () => {
    const port = await freePort();
    const c = client({ baseUrl: `http://127.0.0.1:${port}/v1` });
    const { error } = await failure(generate(c));
    expect(error).toMatchObject({ code: 'EXTERNAL_UNAVAILABLE', status: 502, sent: false });
    expect(c.metrics()).toMatchObject({ retries: 3, sent: 0 });
  });

  describe('circuit breaker', () => {
    const breaker = { minimumCalls: 3, windowMs: 10_000, halfOpenAfterMs: 400 };

    it('opens after failures, then fails fast without a request, and closes after a good probe', async () => {
      standIn.behave({ mode: 'fail' });
      const c = client({ breaker, retry: { maxRetries: 0 } });
      for (let i = 0; i < 3; i++)
        expect((await failure(generate(c))).error.code).toBe('EXTERNAL_UNAVAILABLE');
      expect(c.breakerState()).toBe('open');
      expect(standIn.count()).toBe(3);

      const { error, ms } = await failure(generate(c));
      expect(error).toMatchObject({ code: 'EXTERNAL_CIRCUIT_OPEN', status: 503 });
      expect(error.headers?.['retry-after']).toBe('1');
      expect(ms).toBeLessThan(50);
      expect(standIn.count()).toBe(3);

      await sleep(450);
      standIn.behave({ mode: 'healthy' });
      expect((await generate(c)).source).toBe('network');
      expect(c.breakerState()).toBe('closed');
      expect(standIn.count()).toBe(4);
      expect(c.metrics().breaker).toMatchObject({ state: 'closed', opens: 1 });
    });

    it('opens again when the half-open probe fails', async () => {
      standIn.behave({ mode: 'fail' });
      const c = client({ breaker, retry: { maxRetries: 0 } });
      for (let i = 0; i < 3; i++) await failure(generate(c));
      await sleep(450);
      expect((await failure(generate(c))).error.code).toBe('EXTERNAL_UNAVAILABLE');
      expect(c.breakerState()).toBe('open');
      expect((await failure(generate(c))).error.code).toBe('EXTERNAL_CIRCUIT_OPEN');
      expect(standIn.count()).toBe(4);
      expect(c.metrics().breaker.opens).toBe(2);
    });

    it('does not open under a healthy majority', async () => {
      const c = client({ breaker, retry: { maxRetries: 0 } });
      standIn.behave({ mode: 'fail', times: 2 });
      for (let i = 0; i < 2; i++) await failure(generate(c));
      for (let i = 0; i < 4; i++) await generate(c);
      expect(c.breakerState()).toBe('closed');
    });

    it('lets a slow service open it, then answers from the stale cache in well under 200 ms', async () => {
      const c = client({ breaker, timeoutMs: 150, retry: { maxRetries: 0 } });
      const cacheKey = cacheKeyOf('plan', planRequest);
      // A good answer first, fresh for 1 s and kept as a stale copy for an hour.
      await generate(c, { cacheKey, cacheTtlS: 1, staleTtlS: 3600 });
      await sleep(1_100);
      standIn.behave({ mode: 'slow', delayMs: 2_000 });
      for (let i = 0; i < 3; i++) await failure(generate(c));
      expect(c.breakerState()).toBe('open');
      const before = standIn.count();

      const started = performance.now();
      const result = await generate(c, { cacheKey, staleTtlS: 3600 });
      expect(performance.now() - started).toBeLessThan(200);
      expect(result).toMatchObject({ source: 'cache', stale: true });
      expect(result.data.plan.goal).toBe('hypertrophy');
      expect(standIn.count()).toBe(before);
      expect(c.metrics()).toMatchObject({ staleServed: 1 });
    });
  });

  describe('429 and Retry-After', () => {
    it('waits as long as Retry-After asks and sends again, even a non-idempotent request', async () => {
      standIn.behave({ mode: 'rate-limit', retryAfterS: 1, times: 1 });
      const c = client();
      const result = await generate(c);
      expect(result).toMatchObject({ source: 'network', attempts: 2 });
      const [first, second] = standIn.requests();
      expect(first!.status).toBe(429);
      expect(second!.status).toBe(200);
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_000);
      expect(c.metrics()).toMatchObject({ rateLimited: 1, retries: 1 });
    });

    it('fails at once on a long Retry-After, and holds later calls back without sending them', async () => {
      standIn.behave({ mode: 'rate-limit', retryAfterS: 120 });
      const c = client();
      const { error, ms } = await failure(generate(c));
      expect(error).toMatchObject({ code: 'EXTERNAL_RATE_LIMITED', status: 503, upstreamStatus: 429 });
      expect(error.headers?.['retry-after']).toBe('120');
      expect(ms).toBeLessThan(500);
      expect(standIn.count()).toBe(1);

      const later = await failure(generate(c));
      expect(later.error).toMatchObject({ code: 'EXTERNAL_RATE_LIMITED', sent: false });
      expect(Number(later.error.headers?.['retry-after'])).toBeGreaterThan(100);
      expect(standIn.count()).toBe(1);
      expect(c.metrics()).toMatchObject({ rateLimited: 1, quotaRefusals: 1 });
    });

    it('backs off and gives up after 3 retries on 429s without Retry-After', async () => {
      standIn.behave({ mode: 'rate-limit', retryAfterS: null });
      const { error } = await failure(generate(client()));
      expect(error.code).toBe('EXTERNAL_RATE_LIMITED');
      expect(standIn.count()).toBe(4);
    });

    it('stays within the stand-in’s own published limit when the quota is set to it', async () => {
      await standIn.close();
      standIn = await startWorkoutPlanningStandIn({ rateLimit: { limit: 5, windowS: 3600 } });
      const c = client({ quota: { limit: 5, windowS: 3600 } });
      const results = await Promise.allSettled(Array.from({ length: 12 }, () => generate(c)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(standIn.requests().every((r) => r.status === 200)).toBe(true);
      expect(standIn.count()).toBe(5);
      const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toMatchObject({ code: 'EXTERNAL_QUOTA_EXHAUSTED', status: 503, sent: false });
      expect(Number((refused.reason as AppError).headers?.['retry-after'])).toBeGreaterThan(3000);
    });
  });

  describe('response cache', () => {
    it('answers a repeated request from the cache without calling the service', async () => {
      const c = client();
      const cacheKey = cacheKeyOf('plan', planRequest);
      const first = await generate(c, { cacheKey });
      const second = await generate(c, { cacheKey });
      expect(first.source).toBe('network');
      expect(second).toMatchObject({ source: 'cache', stale: false, attempts: 0 });
      expect(second.data).toEqual(first.data);
      expect(second.cachedAt).toBeDefined();
      expect(standIn.count()).toBe(1);
      expect(c.metrics()).toMatchObject({ calls: 2, cacheHits: 1, sent: 1, successes: 2 });
    });

    it('keys on the content, not the key order, of the request', () => {
      expect(cacheKeyOf('plan', { a: 1, b: [1, { c: 2, d: 3 }] })).toBe(
        cacheKeyOf('plan', { b: [1, { d: 3, c: 2 }], a: 1 }),
      );
      expect(cacheKeyOf('plan', { a: 1 })).not.toBe(cacheKeyOf('plan', { a: 2 }));
    });

    it('expires after its lifetime; the stale copy serves a failing service, not a rejected request', async () => {
      const c = client();
      await generate(c, { cacheKey: 'short', cacheTtlS: 1, staleTtlS: 3600 });
      await sleep(1_100);
      expect((await generate(c, { cacheKey: 'short', cacheTtlS: 1, staleTtlS: 3600 })).source).toBe(
        'network',
      );
      expect(standIn.count()).toBe(2);
      await sleep(1_100);
      const rejected = await failure(
        c.request({ method: 'POST', path: '/plans/generate', body: {}, cacheKey: 'short', staleTtlS: 3600 }),
      );
      expect(rejected.error).toMatchObject({ code: 'EXTERNAL_REQUEST_REJECTED', upstreamStatus: 400 });
      standIn.behave({ mode: 'fail' });
      const served = await generate(c, { cacheKey: 'short', staleTtlS: 3600 });
      expect(served).toMatchObject({ source: 'cache', stale: true });
      expect(c.metrics().staleServed).toBe(1);
    });
  });

  describe('answers it cannot use', () => {
    it('refuses a body of the wrong shape as EXTERNAL_BAD_RESPONSE (502), and does not retry it', async () => {
      standIn.behave({ mode: 'garbage' });
      const c = client();
      const { error } = await failure(generate(c, { idempotent: true }));
      expect(error).toMatchObject({ code: 'EXTERNAL_BAD_RESPONSE', status: 502, upstreamStatus: 200 });
      expect(error.message).toContain('/plan/planId');
      expect(standIn.count()).toBe(1);
    });

    it('refuses a body that is not JSON, even without a schema', async () => {
      standIn.behave({ mode: 'garbage', body: '<html><body>502 Bad Gateway</body></html>' });
      const { error } = await failure(client().request({ method: 'GET', path: '/exercises/library' }));
      expect(error).toMatchObject({ code: 'EXTERNAL_BAD_RESPONSE', status: 502 });
    });

    it('does not let a cached answer of the wrong shape through', async () => {
      const c = client();
      standIn.behave({ mode: 'garbage', times: 1 });
      // Cached without a schema, read back with one: a miss, so the service is asked.
      await c.request({ method: 'POST', path: '/plans/generate', body: planRequest, cacheKey: 'shape' });
      const result = await generate(c, { cacheKey: 'shape' });
      expect(result.source).toBe('network');
      expect(standIn.count()).toBe(2);
    });
  });

  describe('refusals', () => {
    it('maps a rejected request (400) to EXTERNAL_REQUEST_REJECTED without retrying', async () => {
      const c = client();
      const { error } = await failure(
        c.request({ method: 'POST', path: '/plans/generate', body: { goal: 'fly' }, idempotent: true }),
      );
      expect(error).toMatchObject({ code: 'EXTERNAL_REQUEST_REJECTED', status: 502, upstreamStatus: 400 });
      expect(standIn.count()).toBe(1);
    });

    it('maps a refused API key to EXTERNAL_AUTH_FAILED and does not count it against the breaker', async () => {
      const c = client({
        auth: apiKeyHeader('X-Api-Key', 'wrong-key'),
        breaker: { minimumCalls: 2, halfOpenAfterMs: 1_000 },
      });
      for (let i = 0; i < 4; i++) {
        const { error } = await failure(generate(c));
        expect(error).toMatchObject({ code: 'EXTERNAL_AUTH_FAILED', status: 502, upstreamStatus: 401 });
      }
      expect(c.breakerState()).toBe('closed');
      expect(standIn.requests()[0]!.auth).toEqual({ ok: false, reason: 'invalid api key' });
    });

    it('stops retrying when the caller cancels', async () => {
      standIn.behave({ mode: 'slow', delayMs: 2_000 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(new Error('member went away')), 100);
      const started = performance.now();
      const c = client();
      await expect(
        c.request({ method: 'GET', path: '/exercises/library', signal: controller.signal }),
      ).rejects.toThrow('member went away');
      expect(performance.now() - started).toBeLessThan(1_000);
      expect(c.metrics().retries).toBe(0);
    });
  });

  describe('logs and metrics', () => {
    it('logs every outcome with the client name, and never a secret or a body', async () => {
      const { logger, lines, text } = capturingLogger();
      const c = client({
        logger,
        breaker: { minimumCalls: 2, halfOpenAfterMs: 60_000 },
        retry: { maxRetries: 0 },
      });
      await generate(c, { cacheKey: 'logged' });
      await generate(c, { cacheKey: 'logged' });
      standIn.behave({ mode: 'fail' });
      for (let i = 0; i < 3; i++) await failure(generate(c));
      const entries = lines.map(
        (line) => JSON.parse(line) as { external?: string; msg: string; code?: string },
      );
      expect(entries.every((e) => e.external === 'workout-planning')).toBe(true);
      const messages = entries.map((e) => e.msg);
      expect(messages).toContain('external call answered');
      expect(messages).toContain('external call answered from cache');
      expect(messages).toContain('external call failed');
      expect(messages).toContain('circuit opened: failing fast');
      expect(entries.filter((e) => e.code === 'EXTERNAL_CIRCUIT_OPEN')).toHaveLength(1);
      expect(text()).not.toContain(standIn.apiKey);
      expect(text()).not.toContain(planRequest.userId);
      expect(text()).not.toContain('hypertrophy');
    });

    it('counts every outcome in a plain object', async () => {
      const c = client({ retry: { maxRetries: 1, initialDelayMs: 5 } });
      await generate(c, { cacheKey: 'm' });
      await generate(c, { cacheKey: 'm' });
      standIn.behave({ mode: 'fail' });
      await failure(generate(c, { idempotent: true }));
      const snapshot = c.metrics();
      expect(snapshot).toMatchObject({
        service: 'workout-planning',
        calls: 3,
        successes: 2,
        failures: 1,
        failuresByCode: { EXTERNAL_UNAVAILABLE: 1 },
        sent: 3,
        retries: 1,
        cacheHits: 1,
        breaker: { state: 'closed', opens: 0, lastOpenedAt: null },
      });
      expect(snapshot.latencyMs.avg).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
      expect(await c.quotaUsage()).toMatchObject({ used: 3, limit: 1000, windowS: 3600, pausedForMs: 0 });
    });
  });
});
