import { errorCatalog, type ErrorCode } from './error-codes.ts';
import { CommonErrorCodes as C } from './errors.ts';
import type { Operation } from './operation.ts';

/** What can go wrong on any call, routed or not: bad input, the service down, slow or failing. */
const anyCall: readonly ErrorCode[] = [
  C.VALIDATION_FAILED,
  C.SERVICE_UNAVAILABLE,
  C.UPSTREAM_TIMEOUT,
  C.INTERNAL,
];
/** Every route is rate limited (auth routes by their stricter per-address budget). */
const anyRoute: readonly ErrorCode[] = [C.RATE_LIMITED];
/** Methods whose body Fastify reads: the JSON may be broken, of another type or too large. */
const bodyMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const withBody: readonly ErrorCode[] = [C.MALFORMED_JSON, C.UNSUPPORTED_MEDIA_TYPE, C.PAYLOAD_TOO_LARGE];
/** The gateway checks the access token and the caller's role before the service sees the call. */
const authenticated: readonly ErrorCode[] = [
  C.UNAUTHENTICATED,
  C.TOKEN_INVALID,
  C.TOKEN_EXPIRED,
  C.TOKEN_REVOKED,
  C.FORBIDDEN,
];
/** Critical writes honour `Idempotency-Key` at the gateway (apps/gateway/src/routes/idempotency.ts). */
const idempotent: readonly ErrorCode[] = [
  C.IDEMPOTENCY_KEY_INVALID,
  C.IDEMPOTENCY_KEY_IN_PROGRESS,
  C.IDEMPOTENCY_KEY_REUSED,
];
/** Platform admins without MFA are refused on admin operations in production (the service kit). */
const adminOperation: readonly ErrorCode[] = [C.MFA_ENROLMENT_REQUIRED];
/** Keyset pages decode the cursor they gave out. */
const paged: readonly ErrorCode[] = [C.INVALID_CURSOR];

/** Every code an operation may answer with: its own (`errors`) and those its kind answers by rule. */
export function problemCodesOf(op: Operation): ErrorCode[] {
  const codes = new Set<ErrorCode>([...op.errors, ...anyCall]);
  if (op.http) {
    anyRoute.forEach((code) => codes.add(code));
    if (bodyMethods.has(op.http.method)) withBody.forEach((code) => codes.add(code));
    if (op.access !== 'public') authenticated.forEach((code) => codes.add(code));
    if (op.critical && op.http.method !== 'GET') idempotent.forEach((code) => codes.add(code));
  } else {
    codes.add(C.MALFORMED_JSON); // a NATS request that is not JSON
  }
  if (op.access !== 'public' && op.access.includes('platform_admin'))
    adminOperation.forEach((code) => codes.add(code));
  if (op.query?.properties && 'cursor' in op.query.properties) paged.forEach((code) => codes.add(code));
  return [...codes];
}

/** The codes an operation may answer with, grouped by their declared HTTP status, in status order. */
export function problemsOf(op: Operation): Map<number, ErrorCode[]> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of problemCodesOf(op)) {
    const { status } = errorCatalog[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return new Map([...byStatus].sort(([a], [b]) => a - b));
}
