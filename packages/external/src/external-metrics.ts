export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'isolated';

/** One client's counters, as a plain object for a metrics or health page. */
export interface ExternalMetricsSnapshot {
  service: string;
  /** `request()` calls. */
  calls: number;
  /** Calls answered, from the network or the cache (stale answers included). */
  successes: number;
  /** Calls that ended in an error, in total and by error code. */
  failures: number;
  failuresByCode: Record<string, number>;
  /** HTTP requests that actually went out (first tries, retries, and resends after a token refresh). */
  sent: number;
  retries: number;
  cacheHits: number;
  /** Calls answered from the stale copy because the service could not answer. */
  staleServed: number;
  /** 429 answers received from the service. */
  rateLimited: number;
  /** Calls refused locally by the outbound quota (spent, or paused after a 429). */
  quotaRefusals: number;
  tokenRefreshes: number;
  breaker: { state: BreakerStateName; opens: number; lastOpenedAt: string | null };
  /** Duration of calls answered over the network, in milliseconds. */
  latencyMs: { last: number; avg: number; max: number };
}

export function createExternalMetrics(service: string) {
  const counts = {
    calls: 0,
    successes: 0,
    failures: 0,
    sent: 0,
    retries: 0,
    cacheHits: 0,
    staleServed: 0,
    rateLimited: 0,
    quotaRefusals: 0,
    tokenRefreshes: 0,
  };
  const failuresByCode: Record<string, number> = {};
  const breaker = { state: 'closed' as BreakerStateName, opens: 0, lastOpenedAt: null as string | null };
  const latency = { count: 0, total: 0, last: 0, max: 0 };

  return {
    count(what: keyof typeof counts, by = 1) {
      counts[what] += by;
    },
    failure(code: string) {
      counts.failures++;
      failuresByCode[code] = (failuresByCode[code] ?? 0) + 1;
    },
    networkLatency(ms: number) {
      latency.count++;
      latency.total += ms;
      latency.last = ms;
      latency.max = Math.max(latency.max, ms);
    },
    breakerState(state: BreakerStateName) {
      if (state === 'open' && breaker.state !== 'open') {
        breaker.opens++;
        breaker.lastOpenedAt = new Date().toISOString();
      }
      breaker.state = state;
    },
    snapshot(): ExternalMetricsSnapshot {
      return {
        service,
        ...counts,
        failuresByCode: { ...failuresByCode },
        breaker: { ...breaker },
        latencyMs: {
          last: Math.round(latency.last),
          avg: latency.count ? Math.round(latency.total / latency.count) : 0,
          max: Math.round(latency.max),
        },
      };
    },
  };
}

export type ExternalMetrics = ReturnType<typeof createExternalMetrics>;
