import { createHash, createHmac } from 'node:crypto';
import { createCache, type Cache } from '@nxg/platform';
import { startStandIn, type StandIn, type StandInAuth } from '@nxg/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  apiKeyHeader,
  bearer,
  hmacCanonicalString,
  hmacSigned,
  keyIdOf,
  oauthClientCredentials,
  type AuthScheme,
} from './auth-schemes.ts';
import { createExternalClient, type ExternalClient } from './external-client.ts';
import { capturingLogger, silentLogger, sleep, uniqueSuffix } from './test-support.ts';

/** A stand-in with one echo route behind the given credentials check. */
const echoStandIn = (auth: StandInAuth) =>
  startStandIn({
    auth,
    routes(app) {
      app.all('/v1/echo', async (request) => ({ method: request.method, body: request.body ?? null }));
    },
  });

describe('auth schemes, checked by a stand-in', () => {
  const open: { standIn: StandIn; client: ExternalClient; cache: Cache }[] = [];

  const setUp = async (
    standInAuth: StandInAuth,
    scheme: (standIn: StandIn) => AuthScheme,
    logger = silentLogger,
  ) => {
    const standIn = await echoStandIn(standInAuth);
    const cache = createCache({ prefix: `nxgtest:${uniqueSuffix()}:` });
    const client = createExternalClient({
      name: 'partner',
      baseUrl: `${standIn.url}/v1`,
      auth: scheme(standIn),
      quota: { limit: 100, windowS: 60 },
      cache,
      logger,
      retry: { maxRetries: 0 },
    });
    open.push({ standIn, client, cache });
    return { standIn, client };
  };

  afterEach(async () => {
    for (const { standIn, client, cache } of open.splice(0)) {
      await client.close();
      await standIn.close();
      await cache.close();
    }
  });

  it('API key: sends the key in its header', async () => {
    const { standIn, client } = await setUp({ kind: 'api-key', header: 'X-Api-Key', key: 'key-123' }, () =>
      apiKeyHeader('X-Api-Key', 'key-123'),
    );
    await client.request({ method: 'GET', path: '/echo' });
    expect(standIn.requests()[0]).toMatchObject({ headers: { 'x-api-key': 'key-123' }, auth: { ok: true } });
  });

  it('bearer: sends the token in Authorization', async () => {
    const { standIn, client } = await setUp({ kind: 'bearer', token: 'tok-456' }, () => bearer('tok-456'));
    await client.request({ method: 'GET', path: '/echo' });
    expect(standIn.requests()[0]!.headers.authorization).toBe('Bearer tok-456');
  });

  it('names a credential by a hash, never by its value', () => {
    expect(keyIdOf('key-123')).toMatch(/^k-[0-9a-f]{12}$/);
    expect(keyIdOf('key-123')).not.toContain('key-123');
    expect(apiKeyHeader('X-Api-Key', 'key-123').keyId).toBe(bearer('key-123').keyId);
  });

  describe('API key + HMAC signature', () => {
    const hmac = { kind: 'hmac', apiKey: 'np-key', secret: 'np-secret' } as const;

    it('signs method, path with query, timestamp, nonce and body; the stand-in verifies it', async () => {
      const { standIn, client } = await setUp(hmac, () => hmacSigned('np-key', 'np-secret'));
      await client.request({ method: 'POST', path: '/echo', body: { calories: 2200, meals: 4 } });
      await client.request({ method: 'GET', path: '/echo', query: { week: 3, diet: 'vegan' } });
      await client.request({ method: 'DELETE', path: '/echo' });
      const received = standIn.requests();
      expect(received.map((r) => [r.status, r.auth.ok])).toEqual([
        [200, true],
        [200, true],
        [200, true],
      ]);
      const first = received[0]!;
      expect(first.headers).toMatchObject({
        'x-api-key': 'np-key',
        'x-content-sha256': createHash('sha256').update(first.rawBody).digest('hex'),
      });
      const expected = createHmac('sha256', 'np-secret')
        .update(
          hmacCanonicalString(
            'POST',
            '/v1/echo',
            first.headers['x-timestamp']!,
            first.headers['x-nonce']!,
            first.headers['x-content-sha256']!,
          ),
        )
        .digest('hex');
      expect(first.headers['x-signature']).toBe(expected);
      expect(Math.abs(Number(first.headers['x-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
      expect(new Set(received.map((r) => r.headers['x-nonce'])).size).toBe(3);
    });

    it('is refused with a wrong secret (EXTERNAL_AUTH_FAILED), and the stand-in says why', async () => {
      const { standIn, client } = await setUp(hmac, () => hmacSigned('np-key', 'not-the-secret'));
      await expect(client.request({ method: 'POST', path: '/echo', body: { a: 1 } })).rejects.toMatchObject({
        code: 'EXTERNAL_AUTH_FAILED',
        upstreamStatus: 401,
      });
      expect(standIn.requests()[0]!.auth).toEqual({ ok: false, reason: 'bad signature' });
    });

    it('is refused when the clock is off by more than the allowed skew', async () => {
      const { standIn, client } = await setUp(hmac, () =>
        hmacSigned('np-key', 'np-secret', { now: () => Date.now() - 10 * 60_000 }),
      );
      await expect(client.request({ method: 'GET', path: '/echo' })).rejects.toMatchObject({
        code: 'EXTERNAL_AUTH_FAILED',
      });
      expect(standIn.requests()[0]!.auth.reason).toBe('stale timestamp');
    });
  });

  describe('OAuth 2 client credentials', () => {
    const oauth = (tokenTtlS = 3600) =>
      ({ kind: 'oauth', clientId: 'scan-client', clientSecret: 'scan-secret', tokenTtlS }) as const;
    const scheme = (standIn: StandIn, clientSecret = 'scan-secret') =>
      oauthClientCredentials({
        tokenUrl: standIn.tokenUrl,
        clientId: 'scan-client',
        clientSecret,
        scope: 'scans',
      });

    it('fetches one token for concurrent and later calls, and reuses it', async () => {
      const { standIn, client } = await setUp(oauth(), (s) => scheme(s));
      await Promise.all(Array.from({ length: 5 }, () => client.request({ method: 'GET', path: '/echo' })));
      for (let i = 0; i < 3; i++) await client.request({ method: 'POST', path: '/echo', body: { i } });
      expect(standIn.tokenRequests()).toBe(1);
      expect(standIn.count()).toBe(8);
      expect(new Set(standIn.requests().map((r) => r.headers.authorization)).size).toBe(1);
      expect(standIn.requests().every((r) => r.auth.ok)).toBe(true);
    });

    it('fetches a new token shortly before the old one expires', async () => {
      const { standIn, client } = await setUp(oauth(1), (s) => scheme(s));
      await client.request({ method: 'GET', path: '/echo' });
      await sleep(950);
      await client.request({ method: 'GET', path: '/echo' });
      expect(standIn.tokenRequests()).toBe(2);
      expect(standIn.requests().every((r) => r.status === 200)).toBe(true);
    });

    it('fetches a new token after a 401 and sends the request once more', async () => {
      const { standIn, client } = await setUp(oauth(), (s) => scheme(s));
      await client.request({ method: 'GET', path: '/echo' });
      standIn.revokeTokens();
      const result = await client.request({ method: 'POST', path: '/echo', body: { again: true } });
      expect(result.data).toEqual({ method: 'POST', body: { again: true } });
      expect(standIn.tokenRequests()).toBe(2);
      expect(standIn.requests().map((r) => r.status)).toEqual([200, 401, 200]);
      expect(client.metrics()).toMatchObject({ tokenRefreshes: 1, sent: 3 });
    });

    it('gives up with EXTERNAL_AUTH_FAILED when the client secret is wrong, without calling the API', async () => {
      const { standIn, client } = await setUp(oauth(), (s) => scheme(s, 'wrong'));
      await expect(client.request({ method: 'GET', path: '/echo' })).rejects.toMatchObject({
        code: 'EXTERNAL_AUTH_FAILED',
        upstreamStatus: 401,
      });
      expect(standIn.tokenRequests()).toBe(1);
      expect(standIn.count()).toBe(0);
    });

    it('never logs the client secret or the token', async () => {
      const { logger, text } = capturingLogger();
      const { standIn, client } = await setUp(oauth(), (s) => scheme(s), logger);
      await client.request({ method: 'GET', path: '/echo' });
      standIn.revokeTokens();
      await client.request({ method: 'GET', path: '/echo' });
      const tokens = standIn.requests().map((r) => r.headers.authorization!.slice('Bearer '.length));
      expect(text()).toContain('fetching a fresh token');
      for (const secret of ['scan-secret', ...tokens]) expect(text()).not.toContain(secret);
    });
  });
});
