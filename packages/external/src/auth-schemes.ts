import { createHash, createHmac, randomUUID } from 'node:crypto';
import { Agent, request } from 'undici';
import {
  ExternalError,
  ExternalErrorCodes,
  translateStatus,
  translateTransportError,
} from './external-errors.ts';

/** What a scheme may sign: the request exactly as it will be sent. */
export interface SignableRequest {
  method: string;
  /** Path and query string as sent, e.g. `/v1/plans/generate?dryRun=true`. */
  path: string;
  /** The serialized body as sent, or undefined for none. */
  body: string | undefined;
}

export interface AuthContext {
  /** The client's name, for the errors a scheme raises (a token endpoint failing). */
  service: string;
  timeoutMs: number;
  signal?: AbortSignal | undefined;
}

/** How a client proves who it is to an external service (the four schemes of the seed). */
export interface AuthScheme {
  readonly kind: 'none' | 'api-key' | 'bearer' | 'hmac' | 'oauth2-client-credentials';
  /**
   * A non-secret name of the credential (a hash prefix, or the OAuth client id): the outbound
   * quota is counted per key id, and it is safe to log.
   */
  readonly keyId: string;
  headers(request: SignableRequest, context: AuthContext): Promise<Record<string, string>>;
  /**
   * Called once after a 401 with the headers that were refused: forgets a cached credential and
   * says whether asking again may succeed (true only when a fresh token can be fetched).
   */
  refresh?(refused: Record<string, string>): boolean;
  close?(): Promise<void>;
}

const sha256Hex = (value: string) => createHash('sha256').update(value).digest('hex');

/** Names a secret without revealing it: the first 12 hex digits of its SHA-256. */
export const keyIdOf = (secret: string) => `k-${sha256Hex(secret).slice(0, 12)}`;

export const noAuth = (): AuthScheme => ({
  kind: 'none',
  keyId: 'anonymous',
  headers: async () => ({}),
});

/** The API key in a header of its own (workout planning: `X-Api-Key`). */
export function apiKeyHeader(header: string, key: string): AuthScheme {
  const name = header.toLowerCase();
  return {
    kind: 'api-key',
    keyId: keyIdOf(key),
    headers: async () => ({ [name]: key }),
  };
}

/** A static bearer token (meal detection). */
export function bearer(token: string): AuthScheme {
  return {
    kind: 'bearer',
    keyId: keyIdOf(token),
    headers: async () => ({ authorization: `Bearer ${token}` }),
  };
}

/** Header names of the HMAC scheme. */
export const HmacHeaders = {
  apiKey: 'x-api-key',
  timestamp: 'x-timestamp',
  nonce: 'x-nonce',
  contentSha256: 'x-content-sha256',
  signature: 'x-signature',
} as const;

/**
 * The string an HMAC signature covers, one field a line: method, path with query, timestamp
 * (Unix seconds), nonce, and the hex SHA-256 of the body (of the empty string when there is none).
 */
export const hmacCanonicalString = (
  method: string,
  path: string,
  timestamp: string,
  nonce: string,
  bodySha256: string,
) => [method.toUpperCase(), path, timestamp, nonce, bodySha256].join('\n');

/**
 * API key plus an HMAC-SHA256 signature of the request (nutrition planning). A fresh nonce per
 * request lets the service refuse replays; the timestamp lets it refuse old requests.
 */
export function hmacSigned(apiKey: string, secret: string, options: { now?: () => number } = {}): AuthScheme {
  const now = options.now ?? Date.now;
  return {
    kind: 'hmac',
    keyId: keyIdOf(apiKey),
    async headers({ method, path, body }) {
      const timestamp = String(Math.floor(now() / 1000));
      const nonce = randomUUID();
      const bodySha256 = sha256Hex(body ?? '');
      const signature = createHmac('sha256', secret)
        .update(hmacCanonicalString(method, path, timestamp, nonce, bodySha256))
        .digest('hex');
      return {
        [HmacHeaders.apiKey]: apiKey,
        [HmacHeaders.timestamp]: timestamp,
        [HmacHeaders.nonce]: nonce,
        [HmacHeaders.contentSha256]: bodySha256,
        [HmacHeaders.signature]: signature,
      };
    },
  };
}

export interface OAuthClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  scope?: string | undefined;
  /** Refetch this long before the token expires (default: a tenth of its life, at most 30 s). */
  refreshMarginMs?: number;
}

interface CachedToken {
  value: string;
  refreshAt: number;
}

/**
 * OAuth 2.0 client credentials (RFC 6749 §4.4; 3D scanning). The token is fetched once, shared by
 * concurrent calls, reused until shortly before it expires, and fetched again after a 401.
 */
export function oauthClientCredentials(options: OAuthClientCredentialsOptions): AuthScheme {
  let token: CachedToken | undefined;
  let pending: Promise<CachedToken> | undefined;
  let agent: Agent | undefined;
  const basic = Buffer.from(
    `${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`,
  ).toString('base64');

  const fetchToken = async (context: AuthContext): Promise<CachedToken> => {
    const service = `${context.service} token`;
    agent ??= new Agent({
      connectTimeout: context.timeoutMs,
      headersTimeout: context.timeoutMs,
      bodyTimeout: context.timeoutMs,
    });
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (options.scope) form.set('scope', options.scope);
    const deadline = AbortSignal.timeout(context.timeoutMs);
    const signal = context.signal ? AbortSignal.any([deadline, context.signal]) : deadline;
    let status: number;
    let text: string;
    let headers: Record<string, string | string[] | undefined>;
    try {
      const response = await request(options.tokenUrl, {
        method: 'POST',
        dispatcher: agent,
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: form.toString(),
        signal,
      });
      status = response.statusCode;
      headers = response.headers;
      text = await response.body.text();
    } catch (error) {
      if (context.signal?.aborted) throw context.signal.reason;
      throw translateTransportError(service, error, deadline.aborted);
    }
    if (status >= 400 && status < 500 && status !== 429)
      throw new ExternalError(service, ExternalErrorCodes.AUTH_FAILED, { upstreamStatus: status });
    if (status < 200 || status >= 300) throw translateStatus(service, status, headers);
    let body: { access_token?: unknown; expires_in?: unknown; token_type?: unknown };
    try {
      body = JSON.parse(text) as typeof body;
    } catch (cause) {
      throw new ExternalError(service, ExternalErrorCodes.BAD_RESPONSE, {
        detail: 'token is not JSON',
        cause,
      });
    }
    if (
      typeof body.access_token !== 'string' ||
      body.access_token === '' ||
      (typeof body.token_type === 'string' && body.token_type.toLowerCase() !== 'bearer')
    )
      throw new ExternalError(service, ExternalErrorCodes.BAD_RESPONSE, { detail: 'no bearer access_token' });
    const lifeMs =
      (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3600) * 1000;
    const margin = options.refreshMarginMs ?? Math.min(30_000, lifeMs / 10);
    return { value: body.access_token, refreshAt: Date.now() + lifeMs - margin };
  };

  return {
    kind: 'oauth2-client-credentials',
    keyId: options.clientId,
    async headers(_request, context) {
      if (!token || Date.now() >= token.refreshAt) {
        pending ??= fetchToken(context).finally(() => {
          pending = undefined;
        });
        token = await pending;
      }
      return { authorization: `Bearer ${token.value}` };
    },
    refresh(refused) {
      if (token && refused.authorization === `Bearer ${token.value}`) token = undefined;
      return true;
    },
    async close() {
      await agent?.close();
      agent = undefined;
    },
  };
}
