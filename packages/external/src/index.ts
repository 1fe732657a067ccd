// The client kit for services we do not own (DESIGN D10): one client per external service with
// timeouts, retries, a circuit breaker, a shared outbound quota, a response cache and auth schemes.
export {
  createExternalClient,
  DEFAULT_CACHE_TTL_S,
  ExternalTimeouts,
  type ExternalClient,
  type ExternalClientOptions,
  type ExternalRequest,
  type ExternalResult,
  type HttpMethod,
} from './external-client.ts';
export {
  apiKeyHeader,
  bearer,
  HmacHeaders,
  hmacCanonicalString,
  hmacSigned,
  keyIdOf,
  noAuth,
  oauthClientCredentials,
  type AuthContext,
  type AuthScheme,
  type OAuthClientCredentialsOptions,
  type SignableRequest,
} from './auth-schemes.ts';
export {
  ExternalError,
  ExternalErrorCodes,
  isExternalError,
  type ExternalErrorCode,
} from './external-errors.ts';
export { createMemberQuota, type MemberQuota } from './member-quota.ts';
export { PublishedLimits, type QuotaOptions, type QuotaUsage } from './outbound-quota.ts';
export { MAX_RETRIES, type BreakerOptions, type RetryOptions } from './resilience.ts';
export type { BreakerStateName, ExternalMetricsSnapshot } from './external-metrics.ts';
export { cacheKeyOf } from './response-cache.ts';
