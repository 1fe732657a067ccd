import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { registerHealthRoutes } from './health.ts';
import { createHttpServer } from './server.ts';

const problemType = 'application/problem+json; charset=utf-8';

describe('createHttpServer', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    app = createHttpServer({ logger: false, bodyLimit: 1024 });
    app.post('/echo', async (request) => ({ received: request.body }));
    app.get('/limited', async () => {
      throw new AppError(429, 'RATE_LIMITED', 'Slow down', { headers: { 'retry-after': '30' } });
    });
    app.get('/boom', async () => {
      throw new Error('relation "users" does not exist at /srv/app/store.ts:42');
    });
    app.get(
      '/typed',
      {
        schema: { querystring: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] } },
      },
      async () => ({
        ok: true,
      }),
    );
    await app.ready();
  });

  afterAll(async () => {
    await app.close();
  });

  it('answers a valid JSON request, with security headers and a request id', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { hello: 'world' } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: { hello: 'world' } });
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers malformed JSON with 400 MALFORMED_JSON as problem+json', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"hello": "wor',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.json()).toMatchObject({
      status: 400,
      code: 'MALFORMED_JSON',
      title: 'Bad Request',
      requestId: res.headers['x-request-id'],
    });
  });

  it('refuses a body that tries to set __proto__', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/json' },
      payload: '{"__proto__": {"isAdmin": true}}',
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.json()).toMatchObject({ status: 400, code: 'MALFORMED_JSON' });
  });

  it('refuses a body over the limit with 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await app.inject({ method: 'POST', url: '/echo', payload: { text: 'x'.repeat(2048) } });
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.json()).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE', title: 'Payload Too Large' });
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/echo',
      headers: { 'content-type': 'application/xml' },
      payload: '<a/>',
    });
    expect(res.statusCode).toBe(415);
    expect(res.json()).toMatchObject({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('answers an unknown route with 404 ROUTE_NOT_FOUND naming it, without the query', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/nothing-here?token=secret' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toBe(problemType);
    expect(res.json()).toMatchObject({
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      detail: 'No route GET /v1/nothing-here',
    });
    expect(res.body).not.toContain('secret');
  });

  it('sends the headers an AppError carries along with its problem', async () => {
    const res = await app.inject({ method: 'GET', url: '/limited' });
    expect(res.statusCode).toBe(429);
    expect(res.headers['retry-after']).toBe('30');
    expect(res.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED', detail: 'Slow down' });
  });

  it('answers an unexpected error with 500 INTERNAL, no stack or message, and the request id to quote', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.headers['content-type']).toBe(problemType);
    const requestId = res.headers['x-request-id'] as string;
    expect(requestId).toBeTruthy();
    expect(res.json()).toMatchObject({ status: 500, code: 'INTERNAL', requestId });
    expect(res.json().detail).toContain(requestId);
    expect(res.body).not.toMatch(/relation|users|store\.ts|\/srv|stack/);
  });

  it('reuses a well-formed incoming x-request-id and replaces a malformed one', async () => {
    const given = 'gw-2f1c9a7e-0001';
    const res = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': given } });
    expect(res.headers['x-request-id']).toBe(given);
    expect(res.json().requestId).toBe(given);

    for (const malformed of ['evil" <script>alert(1)</script>', 'short', 'x'.repeat(65)]) {
      const bad = await app.inject({ method: 'GET', url: '/boom', headers: { 'x-request-id': malformed } });
      expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
      expect(bad.json().requestId).toBe(bad.headers['x-request-id']);
    }
  });

  it('answers a schema failure with 400 VALIDATION_FAILED listing the field', async () => {
    const res = await app.inject({ method: 'GET', url: '/typed?n=abc' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      errors: [{ path: 'querystring/n', message: expect.any(String) }],
    });
  });
});

describe('allowed origins', () => {
  it('lets only the listed origins call from a browser', async () => {
    const app = createHttpServer({ logger: false, corsOrigins: ['https://app.nxg.example'] });
    app.get('/ping', async () => ({ ok: true }));
    try {
      const allowed = await app.inject({
        method: 'GET',
        url: '/ping',
        headers: { origin: 'https://app.nxg.example' },
      });
      expect(allowed.headers['access-control-allow-origin']).toBe('https://app.nxg.example');
      const other = await app.inject({
        method: 'GET',
        url: '/ping',
        headers: { origin: 'https://evil.example' },
      });
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});

describe('health routes', () => {
  const withChecks = async (
    checks: Parameters<typeof registerHealthRoutes>[1],
    run: (app: FastifyInstance) => Promise<void>,
  ) => {
    const app = createHttpServer({ logger: false });
    registerHealthRoutes(app, checks);
    try {
      await run(app);
    } finally {
      await app.close();
    }
  };

  it('reports live whatever the dependencies do', async () => {
    await withChecks({ database: () => false }, async (app) => {
      const res = await app.inject({ method: 'GET', url: '/health/live' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });
  });

  it('reports ready with 200 when every dependency answers', async () => {
    await withChecks({ nats: () => true, database: async () => true }, async (app) => {
      const res = await app.inject({ method: 'GET', url: '/health/ready' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toEqual({ status: 'ready', checks: { nats: 'up', database: 'up' } });
    });
  });

  it('answers 503 naming the dependency that is down, counting a check that throws as down', async () => {
    await withChecks(
      {
        nats: () => true,
        database: async () => false,
        cache: async () => {
          throw new Error('ECONNREFUSED');
        },
      },
      async (app) => {
        const res = await app.inject({ method: 'GET', url: '/health/ready' });
        expect(res.statusCode).toBe(503);
        expect(res.json()).toEqual({
          status: 'unavailable',
          checks: { nats: 'up', database: 'down', cache: 'down' },
        });
        expect(res.body).not.toContain('ECONNREFUSED');
      },
    );
  });
});
