export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): exponential with full jitter
 * over its upper half, so replicas retrying together spread out; never shorter than the server's
 * Retry-After.
 */
export function retryDelayMs(
  attempt: number,
  policy: BackoffPolicy,
  retryAfterMs?: number,
  random = Math.random,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const backoff = ceiling / 2 + (random() * ceiling) / 2;
  return Math.round(Math.max(backoff, retryAfterMs ?? 0));
}
