import { AppError } from '@nxg/platform';

/**
 * What a failed call to an external service becomes on our side (seed: "map external service
 * errors to standardized internal error codes"). Every one is a 5xx for our own callers: the
 * member did nothing wrong when a partner API is slow, down, rate-limited or answers nonsense.
 */
export const ExternalErrorCodes = {
  /** No complete answer within the client's timeout. */
  TIMEOUT: 'EXTERNAL_TIMEOUT',
  /** Connection refused or reset, DNS failure, or a 5xx answer. */
  UNAVAILABLE: 'EXTERNAL_UNAVAILABLE',
  /** The service answered 429 (or we are inside the pause its Retry-After asked for). */
  RATE_LIMITED: 'EXTERNAL_RATE_LIMITED',
  /** Our own outbound quota for this API key is spent: the call was never sent. */
  QUOTA_EXHAUSTED: 'EXTERNAL_QUOTA_EXHAUSTED',
  /** The quota store (Redis) did not answer, so the call was not sent rather than risk the limit. */
  QUOTA_UNAVAILABLE: 'EXTERNAL_QUOTA_UNAVAILABLE',
  /** The circuit breaker is open: failing fast, nothing sent. */
  CIRCUIT_OPEN: 'EXTERNAL_CIRCUIT_OPEN',
  /** A body that is not JSON, or does not match the response schema. */
  BAD_RESPONSE: 'EXTERNAL_BAD_RESPONSE',
  /** The service refused our credentials (401/403), even after fetching a fresh token. */
  AUTH_FAILED: 'EXTERNAL_AUTH_FAILED',
  /** Any other 4xx: the service rejected this request; sending it again will not help. */
  REQUEST_REJECTED: 'EXTERNAL_REQUEST_REJECTED',
} as const;

export type ExternalErrorCode = (typeof ExternalErrorCodes)[keyof typeof ExternalErrorCodes];

const statusOf: Record<ExternalErrorCode, number> = {
  EXTERNAL_TIMEOUT: 504,
  EXTERNAL_UNAVAILABLE: 502,
  EXTERNAL_RATE_LIMITED: 503,
  EXTERNAL_QUOTA_EXHAUSTED: 503,
  EXTERNAL_QUOTA_UNAVAILABLE: 503,
  EXTERNAL_CIRCUIT_OPEN: 503,
  EXTERNAL_BAD_RESPONSE: 502,
  EXTERNAL_AUTH_FAILED: 502,
  EXTERNAL_REQUEST_REJECTED: 502,
};

const summary: Record<ExternalErrorCode, string> = {
  EXTERNAL_TIMEOUT: 'did not answer in time',
  EXTERNAL_UNAVAILABLE: 'is not available',
  EXTERNAL_RATE_LIMITED: 'is rate limiting us',
  EXTERNAL_QUOTA_EXHAUSTED: 'quota for this period is used up',
  EXTERNAL_QUOTA_UNAVAILABLE: 'quota cannot be checked right now',
  EXTERNAL_CIRCUIT_OPEN: 'is failing; calls are paused',
  EXTERNAL_BAD_RESPONSE: 'sent an answer we cannot use',
  EXTERNAL_AUTH_FAILED: 'refused our credentials',
  EXTERNAL_REQUEST_REJECTED: 'rejected the request',
};

/** Failures that say the service is unhealthy, and so count towards opening the circuit. */
const breakerFailures: ReadonlySet<string> = new Set([
  ExternalErrorCodes.TIMEOUT,
  ExternalErrorCodes.UNAVAILABLE,
  ExternalErrorCodes.BAD_RESPONSE,
]);

export interface ExternalErrorOptions {
  /** Safe and worth sending again (decided by the client from idempotency and the wait asked for). */
  retryable?: boolean;
  /** How long the service (or our quota) asks us to wait before the next call. */
  retryAfterMs?: number;
  /** The status the external service answered, when it answered. */
  upstreamStatus?: number;
  /** False when the failure happened before any byte of the request left (connection refused). */
  sent?: boolean;
  detail?: string;
  cause?: unknown;
}

/** An AppError from an external call, with what the retry and breaker policies need to know. */
export class ExternalError extends AppError {
  override name = 'ExternalError';
  readonly service: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly upstreamStatus: number | undefined;
  readonly sent: boolean;
  readonly #options: ExternalErrorOptions;

  constructor(service: string, code: ExternalErrorCode, options: ExternalErrorOptions = {}) {
    const retryAfterS =
      options.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(options.retryAfterMs / 1000));
    super(
      statusOf[code],
      code,
      `The ${service} service ${summary[code]}${options.detail ? ` (${options.detail})` : ''}`,
      {
        details: { service, ...(options.upstreamStatus ? { upstreamStatus: options.upstreamStatus } : {}) },
        ...(retryAfterS === undefined ? {} : { headers: { 'retry-after': String(retryAfterS) } }),
        cause: options.cause,
      },
    );
    this.service = service;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.upstreamStatus = options.upstreamStatus;
    this.sent = options.sent ?? true;
    this.#options = options;
  }

  /** True when this failure says the service is unhealthy (timeouts, 5xx, garbage). */
  get countsAgainstBreaker(): boolean {
    return breakerFailures.has(this.code);
  }

  /** The same failure with another retry decision. */
  withRetryable(retryable: boolean): ExternalError {
    return new ExternalError(this.service, this.code as ExternalErrorCode, { ...this.#options, retryable });
  }
}

export const isExternalError = (error: unknown): error is ExternalError => error instanceof ExternalError;

/**
 * Seconds or an HTTP date (RFC 9110 §10.2.3) to milliseconds from now; undefined when absent or
 * unreadable. Never negative.
 */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!raw) return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  // HTTP dates (IMF-fixdate and the two obsolete forms) all start with the day's name.
  if (!/^[A-Za-z]{3}/.test(raw)) return undefined;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Undici and socket error codes raised before any byte of the request left this process. */
const notSentCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const timeoutCodes = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);
const badResponseCodes = new Set([
  'UND_ERR_RES_EXCEEDED_MAX_SIZE',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'HPE_INVALID_CONSTANT',
  'HPE_INVALID_HEADER_TOKEN',
]);

const errorCode = (error: unknown): string | undefined => {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
};

/** A transport failure (no HTTP status) as our code, and whether the request had left. */
export function translateTransportError(service: string, error: unknown, timedOut: boolean): ExternalError {
  if (error instanceof ExternalError) return error;
  const code = errorCode(error);
  const sent = !(code && notSentCodes.has(code));
  if (timedOut || (code && timeoutCodes.has(code)))
    return new ExternalError(service, ExternalErrorCodes.TIMEOUT, { sent, cause: error });
  if (code && badResponseCodes.has(code))
    return new ExternalError(service, ExternalErrorCodes.BAD_RESPONSE, { detail: code, cause: error });
  return new ExternalError(service, ExternalErrorCodes.UNAVAILABLE, {
    sent,
    ...(code ? { detail: code } : {}),
    cause: error,
  });
}

/** A non-2xx answer as our code. 401 is handled by the client first (token refresh). */
export function translateStatus(
  service: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  now = Date.now(),
): ExternalError {
  const retryAfterMs = parseRetryAfter(headers['retry-after'], now);
  const common = { upstreamStatus: status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 429) return new ExternalError(service, ExternalErrorCodes.RATE_LIMITED, common);
  if (status === 401 || status === 403)
    return new ExternalError(service, ExternalErrorCodes.AUTH_FAILED, common);
  if (status === 408) return new ExternalError(service, ExternalErrorCodes.TIMEOUT, common);
  if (status >= 500) return new ExternalError(service, ExternalErrorCodes.UNAVAILABLE, common);
  return new ExternalError(service, ExternalErrorCodes.REQUEST_REJECTED, common);
}
