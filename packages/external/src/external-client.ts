import { BrokenCircuitError, IsolatedCircuitError } from 'cockatiel';
import type { Logger } from 'pino';
import type { Static, TSchema } from 'typebox';
import { Pool } from 'undici';
import type { Cache } from '@nxg/platform';
import { describeErrors, reportExternalCalls, validatorFor } from '@nxg/platform';
import { noAuth, type AuthScheme } from './auth-schemes.ts';
import {
  ExternalError,
  ExternalErrorCodes,
  isExternalError,
  translateStatus,
  translateTransportError,
} from './external-errors.ts';
import {
  createExternalMetrics,
  type BreakerStateName,
  type ExternalMetricsSnapshot,
} from './external-metrics.ts';
import { createOutboundQuota, type QuotaOptions, type QuotaUsage } from './outbound-quota.ts';
import { createBreaker, retryPolicy, type BreakerOptions, type RetryOptions } from './resilience.ts';
import { createResponseCache } from './response-cache.ts';

/** The seed's timeouts: "10 seconds for AI services, 5 seconds for other APIs". */
export const ExternalTimeouts = { ai: 10_000, other: 5_000 } as const;

/** The seed's cache lifetime for AI answers: "cache responses for 24 hours". */
export const DEFAULT_CACHE_TTL_S = 24 * 3600;

export interface ExternalClientOptions {
  /** Short name used in logs, metrics, cache keys and error messages, e.g. `workout-planning`. */
  name: string;
  /** Base URL including any version prefix, e.g. `https://api.example.com/v1`. */
  baseUrl: string;
  auth?: AuthScheme;
  /** Picks the default timeout: 10 s for AI services (the default), 5 s for others. */
  kind?: 'ai' | 'other';
  /** Time for one whole attempt: connect, headers and body. */
  timeoutMs?: number;
  /** The published limit per API key; counted in `cache`, so shared by every replica using it. */
  quota: QuotaOptions;
  /** The shared Cache (Redis, or in-process for a single node): quota, pauses and responses. */
  cache: Cache;
  retry?: RetryOptions;
  breaker?: BreakerOptions;
  logger: Logger;
  /** Larger answers are refused as EXTERNAL_BAD_RESPONSE (default 5 MiB). */
  maxResponseBytes?: number;
  /** Concurrent connections to the service (default 16). */
  connections?: number;
}

export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ExternalRequest<S extends TSchema = TSchema> {
  method: HttpMethod;
  /** Path below the base URL, e.g. `/plans/generate`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /**
   * Whether sending the request twice is harmless. Defaults to true for GET, HEAD, PUT and DELETE.
   * Only idempotent requests are retried after a timeout or a 5xx; any request is retried when it
   * never left (connection refused) or was refused with a 429.
   */
  idempotent?: boolean;
  /** The answer must match this schema, else EXTERNAL_BAD_RESPONSE. */
  schema?: S;
  /** Answer from and store in the shared cache under this key (see cacheKeyOf). */
  cacheKey?: string;
  /** Lifetime of the cached answer (default 24 h). */
  cacheTtlS?: number;
  /** Also keep the answer this long, to serve it (stale: true) when the service cannot answer. */
  staleTtlS?: number;
  /** Label for logs (default `METHOD path`); never put secrets or personal data here. */
  operation?: string;
  /** Cancels the call, retries included. */
  signal?: AbortSignal;
  /**
   * Runs once when the call will go out (no fresh cached answer), before any attempt: a per-member
   * allowance (createMemberQuota). What it throws is thrown as it is, and nothing is sent.
   */
  beforeNetwork?: () => Promise<void>;
}

export interface ExternalResult<T> {
  data: T;
  source: 'network' | 'cache';
  /** Served from the stale copy because the service could not answer. */
  stale: boolean;
  /** When a cached answer was received from the service (ISO 8601). */
  cachedAt?: string;
  /** HTTP attempts made for this call (0 when answered from the cache). */
  attempts: number;
}

export interface ExternalClient {
  readonly name: string;
  request<S extends TSchema>(request: ExternalRequest<S> & { schema: S }): Promise<ExternalResult<Static<S>>>;
  request<T = unknown>(request: ExternalRequest): Promise<ExternalResult<T>>;
  metrics(): ExternalMetricsSnapshot;
  breakerState(): BreakerStateName;
  quotaUsage(): Promise<QuotaUsage>;
  close(): Promise<void>;
}

const idempotentMethods = new Set<string>(['GET', 'HEAD', 'PUT', 'DELETE']);

/** Failures after which a stale copy is better than nothing (not a request the service rejected). */
const staleServable = new Set<string>([
  ExternalErrorCodes.TIMEOUT,
  ExternalErrorCodes.UNAVAILABLE,
  ExternalErrorCodes.RATE_LIMITED,
  ExternalErrorCodes.QUOTA_EXHAUSTED,
  ExternalErrorCodes.QUOTA_UNAVAILABLE,
  ExternalErrorCodes.CIRCUIT_OPEN,
  ExternalErrorCodes.BAD_RESPONSE,
  ExternalErrorCodes.AUTH_FAILED,
]);

/**
 * A client for one external service (DESIGN D10): undici with explicit timeouts; a cache in
 * front; then a circuit breaker that fails fast while the service is unhealthy; an outbound quota
 * per API key shared by every replica; retries with exponential backoff and jitter (at most 3,
 * only where safe) that honour Retry-After; external failures translated to our own codes; every
 * outcome logged and counted.
 */
export function createExternalClient(options: ExternalClientOptions): ExternalClient {
  const { name, cache } = options;
  const auth = options.auth ?? noAuth();
  const timeoutMs = options.timeoutMs ?? ExternalTimeouts[options.kind ?? 'ai'];
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? 2_000;
  const base = new URL(options.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  const log = options.logger.child({ external: name });
  const metrics = createExternalMetrics(name);
  // Every service's /metrics reports these as nxg_external_calls_total{external, outcome}.
  const unreport = reportExternalCalls(() => metrics.snapshot());
  const quota = createOutboundQuota({ cache, service: name, keyId: auth.keyId, quota: options.quota });
  const responses = createResponseCache({ cache, service: name, logger: log });
  const retry = retryPolicy(options.retry);
  const breaker = createBreaker(options.breaker);
  const pool = new Pool(base.origin, {
    connections: options.connections ?? 16,
    connectTimeout: timeoutMs,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    maxResponseSize: options.maxResponseBytes ?? 5 * 1024 * 1024,
  });

  breaker.policy.onStateChange(() => {
    const state = breaker.state();
    metrics.breakerState(state);
    if (state === 'open')
      log.warn({ halfOpenAfterMs: breaker.halfOpenAfterMs }, 'circuit opened: failing fast');
    else log.info({ breaker: state }, `circuit ${state}`);
  });

  /** Marks a failure safe to send again or not, from what it is and whether the request is idempotent. */
  const decide = (error: ExternalError, idempotent: boolean): ExternalError => {
    const waitTooLong = error.retryAfterMs !== undefined && error.retryAfterMs > maxRetryAfterMs;
    // Refused before the service did anything with it: safe to send again whatever the method.
    const refusedUnprocessed =
      error.code === ExternalErrorCodes.RATE_LIMITED || error.code === ExternalErrorCodes.QUOTA_EXHAUSTED;
    const transient =
      error.code === ExternalErrorCodes.TIMEOUT || error.code === ExternalErrorCodes.UNAVAILABLE;
    const retryable = !waitTooLong && (refusedUnprocessed || (transient && (idempotent || !error.sent)));
    return error.retryable === retryable ? error : error.withRetryable(retryable);
  };

  const circuitOpen = () =>
    new ExternalError(name, ExternalErrorCodes.CIRCUIT_OPEN, {
      sent: false,
      retryAfterMs: Math.max(1_000, breaker.retryAfterMs()),
    });

  const pathOf = (request: ExternalRequest) => {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) query.append(key, String(value));
    const search = query.size ? `?${query}` : '';
    return `${basePath}${request.path.startsWith('/') ? '' : '/'}${request.path}${search}`;
  };

  /** One HTTP exchange (two after a 401 that a fresh token may cure). */
  const send = async (
    request: ExternalRequest,
    path: string,
    body: string | undefined,
    idempotent: boolean,
  ): Promise<unknown> => {
    for (let refreshed = false; ;) {
      const authHeaders = await auth.headers(
        { method: request.method, path, body },
        { service: name, timeoutMs, signal: request.signal },
      );
      const deadline = AbortSignal.timeout(timeoutMs);
      const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
      const started = performance.now();
      let status: number;
      let headers: Record<string, string | string[] | undefined>;
      let text: string;
      try {
        const response = await pool.request({
          method: request.method,
          path,
          headers: {
            accept: 'application/json',
            ...request.headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...authHeaders,
          },
          body,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal,
        });
        status = response.statusCode;
        headers = response.headers;
        text = await response.body.text();
      } catch (error) {
        if (request.signal?.aborted) throw request.signal.reason ?? error;
        const failure = translateTransportError(name, error, deadline.aborted);
        if (failure.sent) metrics.count('sent');
        throw decide(failure, idempotent);
      }
      metrics.count('sent');
      if (status === 401 && !refreshed && auth.refresh?.(authHeaders)) {
        refreshed = true;
        metrics.count('tokenRefreshes');
        log.info('credentials refused (401): fetching a fresh token and sending once more');
        await quota.take();
        continue;
      }
      if (status < 200 || status >= 300) {
        const failure = translateStatus(name, status, headers);
        if (status === 429) {
          metrics.count('rateLimited');
          log.warn({ retryAfterMs: failure.retryAfterMs }, 'rate limited by the service (429)');
          if (failure.retryAfterMs) await quota.pause(failure.retryAfterMs).catch(() => {});
        }
        throw decide(failure, idempotent);
      }
      let data: unknown;
      try {
        data = text === '' ? undefined : JSON.parse(text);
      } catch (cause) {
        throw new ExternalError(name, ExternalErrorCodes.BAD_RESPONSE, {
          upstreamStatus: status,
          detail: 'not JSON',
          cause,
        });
      }
      if (request.schema && !validatorFor(request.schema).Check(data)) {
        const fields = describeErrors(validatorFor(request.schema).Errors(data))
          .slice(0, 3)
          .map((e) => `${e.path} ${e.message}`);
        throw new ExternalError(name, ExternalErrorCodes.BAD_RESPONSE, {
          upstreamStatus: status,
          detail: `does not match the expected shape: ${fields.join('; ')}`,
        });
      }
      metrics.networkLatency(performance.now() - started);
      return data;
    }
  };

  const matches = (request: ExternalRequest, data: unknown) =>
    !request.schema || validatorFor(request.schema).Check(data);

  async function request(request: ExternalRequest): Promise<ExternalResult<unknown>> {
    metrics.count('calls');
    const started = performance.now();
    const op = request.operation ?? `${request.method} ${request.path}`;
    const elapsed = () => Math.round(performance.now() - started);

    if (request.cacheKey) {
      const hit = await responses.fresh(request.cacheKey);
      if (hit && matches(request, hit.data)) {
        metrics.count('cacheHits');
        metrics.count('successes');
        log.info({ op, source: 'cache', ms: elapsed() }, 'external call answered from cache');
        return {
          data: hit.data,
          source: 'cache',
          stale: false,
          cachedAt: new Date(hit.cachedAt).toISOString(),
          attempts: 0,
        };
      }
    }

    await request.beforeNetwork?.();
    const idempotent = request.idempotent ?? idempotentMethods.has(request.method);
    const path = pathOf(request);
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    let attempts = 0;
    try {
      const data = await retry.execute(async ({ attempt }) => {
        if (attempt > 0) {
          metrics.count('retries');
          log.info({ op, retry: attempt }, 'retrying external call');
        }
        // Open circuit: refuse before spending quota or touching the network.
        if (breaker.refusing()) throw circuitOpen();
        await quota.take().catch((error: unknown) => {
          throw isExternalError(error) ? decide(error, idempotent) : error;
        });
        attempts++;
        return breaker.policy.execute(() => send(request, path, body, idempotent), request.signal);
      }, request.signal);
      if (request.cacheKey)
        await responses.store(
          request.cacheKey,
          data,
          request.cacheTtlS ?? DEFAULT_CACHE_TTL_S,
          request.staleTtlS,
        );
      metrics.count('successes');
      log.info({ op, source: 'network', attempts, ms: elapsed() }, 'external call answered');
      return { data, source: 'network', stale: false, attempts };
    } catch (thrown) {
      const error =
        thrown instanceof BrokenCircuitError || thrown instanceof IsolatedCircuitError
          ? circuitOpen()
          : thrown;
      if (!isExternalError(error)) {
        if (request.signal?.aborted) log.info({ op, attempts, ms: elapsed() }, 'external call cancelled');
        else log.error({ op, attempts, ms: elapsed(), err: error }, 'external call failed unexpectedly');
        throw error;
      }
      metrics.failure(error.code);
      const refusedLocally =
        error.code === ExternalErrorCodes.QUOTA_EXHAUSTED ||
        (error.code === ExternalErrorCodes.RATE_LIMITED && !error.sent);
      if (refusedLocally) metrics.count('quotaRefusals');
      const outcome = {
        op,
        code: error.code,
        upstreamStatus: error.upstreamStatus,
        retryAfterMs: error.retryAfterMs,
        attempts,
        ms: elapsed(),
      };
      if (request.cacheKey && request.staleTtlS && staleServable.has(error.code)) {
        const stale = await responses.stale(request.cacheKey);
        if (stale && matches(request, stale.data)) {
          metrics.count('staleServed');
          metrics.count('successes');
          log.warn(outcome, 'external call failed; answered from the stale cache');
          return {
            data: stale.data,
            source: 'cache',
            stale: true,
            cachedAt: new Date(stale.cachedAt).toISOString(),
            attempts,
          };
        }
      }
      log.warn(outcome, 'external call failed');
      throw error;
    }
  }

  return {
    name,
    request: request as ExternalClient['request'],
    metrics: () => metrics.snapshot(),
    breakerState: () => breaker.state(),
    quotaUsage: () => quota.usage(),
    async close() {
      unreport();
      await Promise.all([pool.close(), auth.close?.()]);
    },
  };
}
