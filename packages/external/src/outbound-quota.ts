import type { Cache } from '@nxg/platform';
import { ExternalError, ExternalErrorCodes } from './external-errors.ts';

/** The limits the external services publish (seed, "External APIs"), per API key or token. */
export const PublishedLimits = {
  workoutPlanning: { limit: 1000, windowS: 3600 },
  mealDetection: { limit: 500, windowS: 3600 },
  nutritionPlanning: { limit: 2000, windowS: 86_400 },
  scanning: { limit: 100, windowS: 3600 },
} as const;

export interface QuotaOptions {
  /** Calls allowed in any window of `windowS` seconds. */
  limit: number;
  windowS: number;
  /**
   * Slices the window is counted in (default 12, at most one per second). More slices waste less
   * of the quota at the edges and cost one more read per call.
   */
  slices?: number;
}

export interface QuotaUsage {
  used: number;
  limit: number;
  windowS: number;
  pausedForMs: number;
}

export interface OutboundQuota {
  /**
   * Takes one call from the quota, or throws without taking anything: EXTERNAL_RATE_LIMITED while
   * a pause asked for by the service lasts, EXTERNAL_QUOTA_EXHAUSTED when the window is full (both
   * with the wait in `retryAfterMs`), EXTERNAL_QUOTA_UNAVAILABLE when the store does not answer.
   */
  take(): Promise<void>;
  /** Holds every caller sharing this quota back for `ms` (the service answered 429 + Retry-After). */
  pause(ms: number): Promise<void>;
  usage(): Promise<QuotaUsage>;
}

/**
 * A per-key outbound quota kept in the shared Cache, so every replica counts against the same
 * numbers. It is a sliding window of slices: a call is allowed when the calls in the current
 * slice and the `slices` before it stay within `limit`. Those slices always cover the last
 * `windowS` seconds, so no window of that length — however the service aligns its own — ever
 * holds more than `limit` calls (the price: up to one slice of the quota is given back late).
 *
 * The current slice is counted with an atomic increment and the decision is taken on the count
 * after it, so concurrent callers on any number of replicas never overshoot (a loser of such a
 * race is refused; its increment makes the window slightly stricter, never looser). A caller that
 * arrives when the window is visibly full is refused before it increments, so a storm of refused
 * calls does not starve the next window. Replicas should keep their clocks in sync (NTP): slice
 * boundaries are read from the local clock.
 */
export function createOutboundQuota(options: {
  cache: Cache;
  /** The client's name; with `keyId`, names the keys in the cache. */
  service: string;
  /** The credential the quota belongs to (see AuthScheme.keyId). */
  keyId: string;
  quota: QuotaOptions;
  now?: () => number;
}): OutboundQuota {
  const { cache, service, keyId } = options;
  const { limit, windowS } = options.quota;
  if (!(limit > 0) || !(windowS > 0)) throw new RangeError('quota limit and windowS must be positive');
  const now = options.now ?? Date.now;
  const slices = Math.max(1, Math.min(options.quota.slices ?? 12, Math.floor(windowS)));
  const sliceMs = (windowS * 1000) / slices;
  // A slice is counted until `slices` later slices have begun; its key outlives that.
  const keyTtlS = Math.ceil(((slices + 1) * sliceMs) / 1000) + 1;
  const base = `ext:${service}:quota:${keyId}`;
  const sliceKey = (slice: number) => `${base}:${slice}`;
  const pauseKey = `ext:${service}:pause:${keyId}`;

  const store = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (cause) {
      throw new ExternalError(service, ExternalErrorCodes.QUOTA_UNAVAILABLE, { sent: false, cause });
    }
  };

  /** Counts of the current slice and the `slices` before it, oldest first. */
  const counts = async (current: number) =>
    store(() =>
      Promise.all(
        Array.from(
          { length: slices + 1 },
          async (_, i) => Number(await cache.get(sliceKey(current - slices + i))) || 0,
        ),
      ),
    );

  const pausedUntil = async () => Number(await store(() => cache.get(pauseKey))) || 0;

  /** When the oldest slice holding calls leaves the window, and frees some of the quota. */
  const freedInMs = (current: number, perSlice: number[], at: number) => {
    const oldest = perSlice.findIndex((count) => count > 0);
    // Nothing seen before our increment: the calls that beat us are all in the current slice.
    const slice = current - slices + (oldest < 0 ? slices : oldest);
    return Math.max(1, Math.ceil((slice + slices + 1) * sliceMs - at));
  };

  const exhausted = (retryAfterMs: number) =>
    new ExternalError(service, ExternalErrorCodes.QUOTA_EXHAUSTED, { sent: false, retryAfterMs });

  return {
    async take() {
      const at = now();
      const until = await pausedUntil();
      if (until > at)
        throw new ExternalError(service, ExternalErrorCodes.RATE_LIMITED, {
          sent: false,
          retryAfterMs: until - at,
          detail: 'paused after a 429',
        });
      const current = Math.floor(at / sliceMs);
      const perSlice = await counts(current);
      if (perSlice.reduce((sum, count) => sum + count, 0) >= limit)
        throw exhausted(freedInMs(current, perSlice, at));
      const mine = await store(() => cache.increment(sliceKey(current), keyTtlS));
      // Slices older than the previous one no longer change. The previous and the next one may,
      // written by callers racing across a slice boundary: read them after our increment, so of
      // two such callers at least one sees the other (the store orders both writes and reads).
      const [previous, next] = await store(() =>
        Promise.all([cache.get(sliceKey(current - 1)), cache.get(sliceKey(current + 1))]),
      );
      const settled = perSlice.slice(0, slices - 1).reduce((sum, count) => sum + count, 0);
      if (settled + (Number(previous) || 0) + mine + (Number(next) || 0) > limit)
        throw exhausted(freedInMs(current, perSlice, at));
    },

    async pause(ms) {
      if (!(ms > 0)) return;
      const until = now() + ms;
      if ((await pausedUntil()) >= until) return;
      await store(() => cache.set(pauseKey, String(until), Math.ceil(ms / 1000) + 1));
    },

    async usage() {
      const at = now();
      const perSlice = await counts(Math.floor(at / sliceMs));
      const until = await pausedUntil();
      return {
        used: Math.min(
          limit,
          perSlice.reduce((sum, count) => sum + count, 0),
        ),
        limit,
        windowS,
        pausedForMs: Math.max(0, until - at),
      };
    },
  };
}
