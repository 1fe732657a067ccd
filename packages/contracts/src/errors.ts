import Type from 'typebox';

/** problem+json (RFC 9457) as every REST error is sent. */
export const Problem = Type.Object({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  code: Type.String(),
  requestId: Type.String(),
  errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  mfaToken: Type.Optional(
    Type.String({
      description: 'With MFA_REQUIRED: send it with a code to POST /v1/auth/mfa (5 minutes, once)',
    }),
  ),
});

/** What an error code tells a client: the HTTP status it always comes with, and when it is answered. */
export interface ErrorSpec {
  readonly status: number;
  readonly description: string;
}

/** A service's error codes, each with its spec. Keys are the codes themselves. */
export type ErrorCatalog = Readonly<Record<string, ErrorSpec>>;

/** `{ CODE: 'CODE', … }` for a catalog, so code references read `WorkoutErrors.PLAN_NOT_FOUND`. */
export function codesOf<const C extends ErrorCatalog>(catalog: C): { readonly [K in keyof C & string]: K } {
  return Object.freeze(Object.fromEntries(Object.keys(catalog).map((code) => [code, code]))) as never;
}

/** Codes any service or the gateway may answer with. Service-specific codes live with each service. */
export const commonErrorCatalog = {
  VALIDATION_FAILED: { status: 400, description: 'A value in the request is not valid; `errors` says which' },
  MALFORMED_JSON: { status: 400, description: 'The request body is not valid JSON' },
  INVALID_CURSOR: { status: 400, description: 'The `cursor` is not one this list gave out' },
  // Any 4xx: the status Fastify gave a request it refused before our own checks.
  BAD_REQUEST: { status: 400 as number, description: 'The request was refused before it was read' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, description: 'The body is not sent as application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The request body is larger than this route accepts' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No route has this method and path' },
  NOT_FOUND: { status: 404, description: 'The resource does not exist' },
  UNAUTHENTICATED: { status: 401, description: 'No access token was sent; sign in first' },
  TOKEN_INVALID: { status: 401, description: 'The access token is not valid' },
  TOKEN_EXPIRED: { status: 401, description: 'The access token has expired; refresh it' },
  TOKEN_REVOKED: { status: 401, description: 'The access token was revoked (logout); sign in again' },
  FORBIDDEN: { status: 403, description: 'The caller’s role may not do this' },
  STEP_UP_REQUIRED: {
    status: 403,
    description:
      'This needs a recent second factor: prove it with POST /v1/auth/mfa/step-up, then retry with the new access token',
  },
  MFA_ENROLMENT_REQUIRED: {
    status: 403,
    description: 'Platform admins must enrol a second factor (POST /v1/me/mfa/totp) before admin operations',
  },
  // Service to service (NATS): never answered to a client, since the gateway's own calls are signed.
  UNTRUSTED_CALLER: {
    status: 401,
    description: 'A NATS request without a valid, current signature of a platform service',
  },
  CALLER_NOT_ALLOWED: {
    status: 403,
    description: 'The calling service may not call this operation, or not for a user',
  },
  RATE_LIMITED: { status: 429, description: 'Too many requests; wait for `Retry-After` seconds' },
  MEMBER_QUOTA_EXHAUSTED: {
    status: 429,
    description: 'You have used your allowance of this costly operation for now; wait `Retry-After` seconds',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    description: 'The `Idempotency-Key` header must be 1 to 200 visible ASCII characters',
  },
  IDEMPOTENCY_KEY_IN_PROGRESS: {
    status: 409,
    description: 'A request with this `Idempotency-Key` is still being answered; retry in a moment',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    description: 'This `Idempotency-Key` was used with another request body; use a new key',
  },
  SERVICE_UNAVAILABLE: { status: 503, description: 'The service behind this route is not running' },
  UPSTREAM_TIMEOUT: { status: 504, description: 'The service behind this route did not answer in time' },
  INTERNAL: { status: 500, description: 'Something went wrong on our side; quote the `requestId`' },
} as const satisfies ErrorCatalog;
export const CommonErrorCodes = codesOf(commonErrorCatalog);

/**
 * Codes of the client kit for services we do not own (platform's ExternalError): answered by any
 * operation that calls a partner API and has no fallback. Always 5xx: the member did nothing wrong.
 */
export const externalErrorCatalog = {
  EXTERNAL_TIMEOUT: { status: 504, description: 'A partner service did not answer in time' },
  EXTERNAL_UNAVAILABLE: { status: 502, description: 'A partner service is not available' },
  EXTERNAL_RATE_LIMITED: { status: 503, description: 'A partner service is rate limiting us' },
  EXTERNAL_QUOTA_EXHAUSTED: { status: 503, description: 'Our quota at a partner service is used up for now' },
  EXTERNAL_QUOTA_UNAVAILABLE: {
    status: 503,
    description: 'Our quota at a partner service cannot be checked',
  },
  EXTERNAL_CIRCUIT_OPEN: { status: 503, description: 'A partner service is failing; calls are paused' },
  EXTERNAL_BAD_RESPONSE: { status: 502, description: 'A partner service sent an answer we cannot use' },
  EXTERNAL_AUTH_FAILED: { status: 502, description: 'A partner service refused our credentials' },
  EXTERNAL_REQUEST_REJECTED: { status: 502, description: 'A partner service rejected the request' },
} as const satisfies ErrorCatalog;
