import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';

// A stand-in imports nothing from @nxg/external: that kit's own tests start it, and its
// checks (the HMAC signature above all) are written independently of the client they check.

export type StandInMode = 'healthy' | 'slow' | 'fail' | 'rate-limit' | 'garbage';

/** How the stand-in answers from now on (`behave`). */
export interface StandInBehaviour {
  mode: StandInMode;
  /** `slow`: wait this long before answering (default 30 s); other modes: an extra delay first. */
  delayMs?: number;
  /** `fail`: the status to answer (default 503). */
  status?: number;
  /** `rate-limit`: Retry-After in seconds (default 60); null sends a 429 without one. */
  retryAfterS?: number | null;
  /** `garbage`: the body to answer with 200 (default: JSON of the wrong shape). */
  body?: string;
  /** Misbehave for this many requests, then answer normally again (default: until told otherwise). */
  times?: number;
}

/** Who may call the stand-in's service routes. */
export type StandInAuth =
  | { kind: 'none' }
  | { kind: 'api-key'; header: string; key: string }
  | { kind: 'bearer'; token: string }
  /** The scheme of the nutrition planning service; see hmacCanonicalString in @nxg/external. */
  | { kind: 'hmac'; apiKey: string; secret: string; maxSkewS?: number }
  /** Client credentials at POST /oauth/token; tokens live `tokenTtlS` (default 3600). */
  | { kind: 'oauth'; clientId: string; clientSecret: string; tokenTtlS?: number };

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Path with the query string. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  rawBody: string;
  /** Epoch milliseconds when it arrived. */
  at: number;
  /** Whether the credentials were accepted, and why not. */
  auth: { ok: boolean; reason?: string };
  /** The status answered, once answered. */
  status?: number;
}

export interface StandIn {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The token endpoint, when the auth kind is `oauth`. */
  readonly tokenUrl: string;
  behave(behaviour: StandInBehaviour): void;
  /** Requests to the service routes (not the token endpoint), oldest first. */
  requests(path?: string): RecordedRequest[];
  count(path?: string): number;
  /** Calls to the token endpoint, granted or not. */
  tokenRequests(): number;
  /** Makes every token issued so far invalid (the service answers 401 to them). */
  revokeTokens(): void;
  /** Forgets recorded requests and counters, restarts the rate-limit window, turns healthy. */
  reset(): void;
  close(): Promise<void>;
}

export interface StandInOptions {
  auth: StandInAuth;
  /** The stand-in's own limit per credential, answered with 429 + Retry-After (default 1000/h). */
  rateLimit?: { limit: number; windowS: number };
  /** Registers the service's routes; the hooks above them record, authenticate, limit and misbehave. */
  routes: (app: FastifyInstance) => void;
  /** Default body for `garbage`. */
  garbageBody?: string;
  /** Routes outside the credentials, limits and faults (signed download links the service hands out). */
  publicRoutes?: (app: FastifyInstance) => void;
}

const rawBodies = new WeakMap<IncomingMessage, string>();
const records = new WeakMap<IncomingMessage, RecordedRequest>();

const flatHeaders = (headers: FastifyRequest['headers']) =>
  Object.fromEntries(
    Object.entries(headers)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]),
  );

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

const safeEqual = (a: string, b: string) => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
};

/**
 * A local HTTP server standing in for an external API in tests and local runs: every request is
 * recorded (method, path, headers, body, time), credentials are checked as the real service
 * would, its own rate limit answers 429 + Retry-After, and `behave` makes it slow, failing,
 * rate limiting or talking nonsense at run time.
 */
export async function startStandIn(options: StandInOptions): Promise<StandIn> {
  const { auth } = options;
  const rateLimit = options.rateLimit ?? { limit: 1000, windowS: 3600 };
  let behaviour: StandInBehaviour = { mode: 'healthy' };
  let recorded: RecordedRequest[] = [];
  let tokenCalls = 0;
  const tokens = new Map<string, number>();
  const nonces = new Map<string, number>();
  const windows = new Map<string, { started: number; count: number }>();
  const timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      timers.add(entry);
    });

  const app = Fastify({ logger: false, forceCloseConnections: true, bodyLimit: 10 * 1024 * 1024 });
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    rawBodies.set(request.raw, text);
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      rawBodies.set(request.raw, String(body));
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  const record = (request: FastifyRequest): RecordedRequest => {
    let entry = records.get(request.raw);
    if (!entry) {
      const url = request.url;
      entry = {
        method: request.method,
        path: url.split('?')[0] ?? url,
        url,
        headers: flatHeaders(request.headers),
        query: { ...(request.query as Record<string, string>) },
        body: request.body,
        rawBody: rawBodies.get(request.raw) ?? '',
        at: Date.now(),
        auth: { ok: true },
      };
      records.set(request.raw, entry);
      recorded.push(entry);
    }
    return entry;
  };

  /** Checks the credentials; returns the credential's name, or a reason to refuse. */
  const authenticate = (request: FastifyRequest): { who: string } | { reason: string } => {
    const header = (name: string) => {
      const value = request.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    switch (auth.kind) {
      case 'none':
        return { who: 'anonymous' };
      case 'api-key':
        return header(auth.header.toLowerCase()) === auth.key
          ? { who: auth.key }
          : { reason: 'invalid api key' };
      case 'bearer':
        return header('authorization') === `Bearer ${auth.token}`
          ? { who: 'bearer' }
          : { reason: 'invalid token' };
      case 'oauth': {
        const token = /^Bearer (.+)$/.exec(header('authorization') ?? '')?.[1];
        const expires = token ? tokens.get(token) : undefined;
        if (!expires) return { reason: 'unknown token' };
        return expires > Date.now() ? { who: auth.clientId } : { reason: 'expired token' };
      }
      case 'hmac': {
        if (header('x-api-key') !== auth.apiKey) return { reason: 'invalid api key' };
        const timestamp = header('x-timestamp') ?? '';
        const nonce = header('x-nonce') ?? '';
        const signature = header('x-signature') ?? '';
        if (!/^\d+$/.test(timestamp)) return { reason: 'missing timestamp' };
        if (Math.abs(Date.now() / 1000 - Number(timestamp)) > (auth.maxSkewS ?? 300))
          return { reason: 'stale timestamp' };
        if (!nonce) return { reason: 'missing nonce' };
        if (nonces.has(nonce)) return { reason: 'replayed nonce' };
        const canonical = [
          request.method.toUpperCase(),
          request.url,
          timestamp,
          nonce,
          sha256Hex(rawBodies.get(request.raw) ?? ''),
        ].join('\n');
        const expected = createHmac('sha256', auth.secret).update(canonical).digest('hex');
        if (!safeEqual(signature, expected)) return { reason: 'bad signature' };
        nonces.set(nonce, Date.now());
        return { who: auth.apiKey };
      }
    }
  };

  app.addHook('preValidation', async (request) => {
    record(request);
  });
  app.addHook('onResponse', async (request, reply) => {
    record(request).status = reply.statusCode;
  });

  if (auth.kind === 'oauth') {
    app.post('/oauth/token', async (request, reply) => {
      tokenCalls++;
      const form = (request.body ?? {}) as Record<string, string>;
      let id = form.client_id;
      let secret = form.client_secret;
      const basic = /^Basic (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (basic) {
        const [user = '', pass = ''] = Buffer.from(basic, 'base64').toString().split(':');
        id = decodeURIComponent(user);
        secret = decodeURIComponent(pass);
      }
      if (form.grant_type !== 'client_credentials')
        return reply.status(400).send({ error: 'unsupported_grant_type' });
      if (id !== auth.clientId || secret !== auth.clientSecret)
        return reply.status(401).send({ error: 'invalid_client' });
      const token = randomBytes(24).toString('base64url');
      const ttlS = auth.tokenTtlS ?? 3600;
      tokens.set(token, Date.now() + ttlS * 1000);
      return { access_token: token, token_type: 'Bearer', expires_in: ttlS, scope: form.scope ?? '' };
    });
  }

  const misbehave = async (request: FastifyRequest, reply: FastifyReply) => {
    const entry = record(request);
    const refusal = authenticate(request);
    if ('reason' in refusal) {
      entry.auth = { ok: false, reason: refusal.reason };
      return reply
        .status(401)
        .header('www-authenticate', auth.kind === 'oauth' ? 'Bearer error="invalid_token"' : 'ApiKey')
        .send({ error: 'unauthorized', message: refusal.reason });
    }
    // Its own published limit, per credential, in a fixed window from the first call.
    const now = Date.now();
    let window = windows.get(refusal.who);
    if (!window || now - window.started >= rateLimit.windowS * 1000) {
      window = { started: now, count: 0 };
      windows.set(refusal.who, window);
    }
    window.count++;
    const resetS = Math.max(1, Math.ceil((window.started + rateLimit.windowS * 1000 - now) / 1000));
    void reply.header('x-ratelimit-limit', String(rateLimit.limit));
    void reply.header('x-ratelimit-remaining', String(Math.max(0, rateLimit.limit - window.count)));
    if (window.count > rateLimit.limit)
      return reply
        .status(429)
        .header('retry-after', String(resetS))
        .send({ error: 'rate_limited', message: `limit of ${rateLimit.limit} per ${rateLimit.windowS} s` });

    const current = behaviour;
    if (current.mode === 'healthy') return;
    if (current.times !== undefined) {
      current.times--;
      if (current.times <= 0) behaviour = { mode: 'healthy' };
    }
    const delay = current.delayMs ?? (current.mode === 'slow' ? 30_000 : 0);
    if (delay > 0) await sleep(delay);
    switch (current.mode) {
      case 'slow':
        return;
      case 'fail':
        return reply.status(current.status ?? 503).send({ error: 'unavailable', message: 'try again later' });
      case 'rate-limit': {
        const retryAfterS = current.retryAfterS === undefined ? 60 : current.retryAfterS;
        if (retryAfterS !== null) void reply.header('retry-after', String(retryAfterS));
        return reply.status(429).send({ error: 'rate_limited' });
      }
      case 'garbage':
        return reply
          .status(200)
          .header('content-type', 'application/json')
          .send(current.body ?? options.garbageBody ?? '{"status":"ok","result":"¯\\\\_(ツ)_/¯"}');
    }
  };

  if (options.publicRoutes) await app.register(async (files) => options.publicRoutes!(files));
  await app.register(async (service) => {
    service.addHook('preValidation', misbehave);
    options.routes(service);
  });

  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${port}`;
  const served = () => recorded.filter((r) => r.path !== '/oauth/token');

  return {
    url,
    tokenUrl: `${url}/oauth/token`,
    behave(next) {
      behaviour = { ...next };
    },
    requests: (path) => served().filter((r) => path === undefined || r.path === path),
    count: (path) => served().filter((r) => path === undefined || r.path === path).length,
    tokenRequests: () => tokenCalls,
    revokeTokens() {
      tokens.clear();
    },
    reset() {
      recorded = [];
      tokenCalls = 0;
      windows.clear();
      behaviour = { mode: 'healthy' };
    },
    async close() {
      for (const entry of timers) {
        clearTimeout(entry.timer);
        entry.resolve();
      }
      timers.clear();
      await app.close();
    },
  };
}
