import {
  circuitBreaker,
  CircuitState,
  decorrelatedJitterGenerator,
  ExponentialBackoff,
  handleWhen,
  retry,
  SamplingBreaker,
  type CircuitBreakerPolicy,
  type IBackoff,
  type IBackoffFactory,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import type { BreakerStateName } from './external-metrics.ts';
import { isExternalError } from './external-errors.ts';

/** The seed's rule: "exponential backoff with jitter, max 3 retries". */
export const MAX_RETRIES = 3;

export interface RetryOptions {
  /** Retries after the first try, at most 3 (default 3). */
  maxRetries?: number;
  /** First backoff delay; later ones grow exponentially with decorrelated jitter (default 200 ms). */
  initialDelayMs?: number;
  /** Longest backoff delay (default 5 s). */
  maxDelayMs?: number;
  /**
   * Longest Retry-After (from a 429 or 503, or a pause) worth waiting for before retrying; a
   * longer one fails the call at once with the wait in its Retry-After (default 2 s).
   */
  maxRetryAfterMs?: number;
}

export interface BreakerOptions {
  /** Share of failed calls in the window that opens the circuit (default 0.5). */
  threshold?: number;
  /** Length of the sampling window (default 30 s). */
  windowMs?: number;
  /** Calls in the window before the ratio is trusted (default 5). */
  minimumCalls?: number;
  /** How long the circuit stays open before one probe call may go through (default 30 s). */
  halfOpenAfterMs?: number;
}

type BackoffContext = IRetryBackoffContext<unknown>;

/** Waits at least what the service asked for (Retry-After), else the jittered exponential delay. */
function honouringRetryAfter(
  inner: IBackoff<BackoffContext>,
  context: BackoffContext,
): IBackoff<BackoffContext> {
  const error = 'error' in context.result ? context.result.error : undefined;
  // A little margin so the retry lands after the pause has ended, on any replica's clock.
  const asked = isExternalError(error) && error.retryAfterMs !== undefined ? error.retryAfterMs + 25 : 0;
  return {
    duration: Math.max(inner.duration, asked),
    next: (next) => honouringRetryAfter(inner.next(next), next),
  };
}

export function retryPolicy(options: RetryOptions = {}): RetryPolicy {
  const maxAttempts = Math.max(0, Math.min(MAX_RETRIES, options.maxRetries ?? MAX_RETRIES));
  const exponential = new ExponentialBackoff({
    generator: decorrelatedJitterGenerator,
    initialDelay: options.initialDelayMs ?? 200,
    maxDelay: options.maxDelayMs ?? 5_000,
  });
  const backoff: IBackoffFactory<BackoffContext> = {
    next: (context) => honouringRetryAfter(exponential.next(), context),
  };
  // Only failures the client marked safe to send again (see ExternalError.retryable).
  return retry(
    handleWhen((error) => isExternalError(error) && error.retryable),
    { maxAttempts, backoff },
  );
}

export interface Breaker {
  policy: CircuitBreakerPolicy;
  halfOpenAfterMs: number;
  /** The circuit refuses calls now: open and not yet due for a probe, or a probe in flight. */
  refusing(): boolean;
  /** Milliseconds until a probe may go through (0 when not open). */
  retryAfterMs(): number;
  state(): BreakerStateName;
}

const stateNames: Record<CircuitState, BreakerStateName> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * A sampling circuit breaker over the failures that say the service is unhealthy (timeouts,
 * 5xx, connection failures, garbage): it opens when more than `threshold` of the calls in the
 * window failed, lets one probe through after `halfOpenAfterMs`, and closes when it succeeds.
 */
export function createBreaker(options: BreakerOptions = {}): Breaker {
  const windowMs = options.windowMs ?? 30_000;
  const minimumCalls = Math.max(1, options.minimumCalls ?? 5);
  const halfOpenAfterMs = options.halfOpenAfterMs ?? 30_000;
  const policy = circuitBreaker(
    handleWhen((error) => isExternalError(error) && error.countsAgainstBreaker),
    {
      halfOpenAfter: halfOpenAfterMs,
      breaker: new SamplingBreaker({
        threshold: options.threshold ?? 0.5,
        duration: windowMs,
        // SamplingBreaker wants a rate: `minimumCalls` in the window (half a call of slack
        // keeps floating point from asking for one more).
        minimumRps: ((minimumCalls - 0.5) * 1000) / windowMs,
      }),
    },
  );
  let openedAt = 0;
  policy.onBreak(() => {
    openedAt = Date.now();
  });
  const retryAfterMs = () =>
    policy.state === CircuitState.Open ? Math.max(0, openedAt + halfOpenAfterMs - Date.now()) : 0;
  return {
    policy,
    halfOpenAfterMs,
    refusing: () =>
      policy.state === CircuitState.HalfOpen ||
      policy.state === CircuitState.Isolated ||
      (policy.state === CircuitState.Open && retryAfterMs() > 0),
    retryAfterMs,
    state: () => stateNames[policy.state],
  };
}
