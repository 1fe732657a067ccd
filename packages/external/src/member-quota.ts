import { CommonErrorCodes } from '@nxg/contracts';
import { AppError, type Cache } from '@nxg/platform';
import { ExternalErrorCodes, isExternalError } from './external-errors.ts';
import { createOutboundQuota } from './outbound-quota.ts';

export interface MemberQuota {
  /**
   * Takes one costly call from the member's allowance, or throws 429 MEMBER_QUOTA_EXHAUSTED with
   * `Retry-After` without taking anything. A store that does not answer throws
   * EXTERNAL_QUOTA_UNAVAILABLE (callers with a fallback use it).
   */
  take(memberId: string): Promise<void>;
}

/**
 * A per-member allowance of a costly external call (an AI plan, a meal photo's detection), so one
 * member cannot spend the quota every member shares. Counted in the shared Cache like the outbound
 * quota (a sliding window of slices, every replica counting the same numbers). Take it only when
 * the call will really go out: a cached answer costs nothing (ExternalRequest.beforeNetwork).
 */
export function createMemberQuota(options: {
  cache: Cache;
  /** Names the allowance in the cache, e.g. `workout-plans`. */
  name: string;
  limit: number;
  windowS: number;
  /** What the member is refused, for the message: "AI plan generations". */
  what: string;
  now?: () => number;
}): MemberQuota {
  const { cache, name, limit, windowS, what } = options;
  const slices = Math.min(24, Math.max(1, Math.floor(windowS)));
  return {
    async take(memberId) {
      const quota = createOutboundQuota({
        cache,
        service: `member:${name}`,
        keyId: memberId,
        quota: { limit, windowS, slices },
        ...(options.now ? { now: options.now } : {}),
      });
      try {
        await quota.take();
      } catch (error) {
        if (!isExternalError(error) || error.code !== ExternalErrorCodes.QUOTA_EXHAUSTED) throw error;
        const retryAfterS = Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000));
        throw new AppError(
          429,
          CommonErrorCodes.MEMBER_QUOTA_EXHAUSTED,
          `You have used your ${limit} ${what} for now; try again in ${retryAfterS} s`,
          { headers: { 'retry-after': String(retryAfterS) } },
        );
      }
    },
  };
}
