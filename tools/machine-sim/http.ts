/**
 * The few REST calls the simulator makes, through the gateway: JSON in and out, problem+json errors
 * turned into `ApiError`s, and 429 answers waited out (the token and login routes share a small
 * per-address budget, AUTH_RATE_LIMIT_MAX, 30 a minute by default).
 */

export class ApiError extends Error {
  readonly status: number;
  /** The problem's `code` (e.g. INVALID_MACHINE_CREDENTIALS), when it has one. */
  readonly code: string | undefined;

  constructor(method: string, path: string, status: number, body: unknown) {
    const problem = (body ?? {}) as { code?: string; detail?: string; title?: string };
    super(
      `${method} ${path} answered ${status}${problem.code ? ` ${problem.code}` : ''}: ${
        problem.detail ?? problem.title ?? (typeof body === 'string' ? body.slice(0, 200) : '')
      }`,
    );
    this.status = status;
    this.code = problem.code;
  }
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  /** How many 429 answers to wait out before giving up (default 8). */
  rateLimitRetries?: number;
  /** Milliseconds before the request is abandoned (default 15 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

let rateLimitListener: ((path: string, waitMs: number) => void) | undefined;

/** Called whenever a 429 is waited out (the CLI says so, once in a while). */
export function onRateLimited(listener: ((path: string, waitMs: number) => void) | undefined): void {
  rateLimitListener = listener;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });

/** Seconds to wait from a Retry-After header or a "retry in 12 s" detail; else a few seconds. */
function retryAfterMs(headers: Headers, body: unknown): number {
  const header = Number(headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) return header * 1000;
  const detail = /retry in (\d+)/i.exec(String((body as { detail?: string } | undefined)?.detail ?? ''));
  return detail ? Number(detail[1]) * 1000 : 5000;
}

/** Calls `method path` on `baseUrl` and returns the parsed body of a 2xx answer; throws ApiError otherwise. */
export async function callApi<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const retries = options.rateLimitRetries ?? 8;
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(options.timeoutMs ?? 15_000);
    const response = await fetch(new URL(path, baseUrl), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout,
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text for the error message
    }
    if (response.ok) return body as T;
    if (response.status === 429 && attempt < retries && !options.signal?.aborted) {
      const waitMs = retryAfterMs(response.headers, body);
      rateLimitListener?.(path, waitMs);
      await sleep(waitMs, options.signal);
      continue;
    }
    throw new ApiError(method, path, response.status, body);
  }
}

export interface MachineToken {
  accessToken: string;
  /** When it stops being accepted (ms since the epoch). */
  expiresAt: number;
}

/** `POST /v1/machines/token`: a machine's id and secret for a short-lived machine token. */
export async function fetchMachineToken(
  gatewayUrl: string,
  credentials: { machineId: string; secret: string },
  signal?: AbortSignal,
): Promise<MachineToken> {
  const requestedAt = Date.now();
  const answer = await callApi<{ accessToken: string; expiresIn: number }>(
    gatewayUrl,
    'POST',
    '/v1/machines/token',
    { body: { machineId: credentials.machineId, secret: credentials.secret }, signal },
  );
  return { accessToken: answer.accessToken, expiresAt: requestedAt + answer.expiresIn * 1000 };
}

/** The WebSocket URL of an http(s) base URL and path. */
export const wsUrl = (baseUrl: string, path: string) =>
  new URL(path, baseUrl.replace(/^http/, 'ws')).toString();
