import { AppError, createCache } from '@nxg/platform';
import { afterAll, describe, expect, it } from 'vitest';
import { createMemberQuota } from './member-quota.ts';

const cache = createCache({ prefix: 'member-quota-test:' });
afterAll(() => cache.close());

describe('a per-member quota', () => {
  it('refuses a member past the limit with 429 and Retry-After, and counts each member apart', async () => {
    let now = Date.parse('2026-11-30T10:00:00Z');
    const quota = createMemberQuota({
      cache,
      name: 'plans',
      limit: 2,
      windowS: 86_400,
      what: 'plans',
      now: () => now,
    });
    await quota.take('ann');
    await quota.take('ann');
    const refused = await quota.take('ann').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 429, code: 'MEMBER_QUOTA_EXHAUSTED' });
    const retryAfterS = Number((refused as AppError).headers?.['retry-after']);
    expect(retryAfterS).toBeGreaterThan(0);
    // Counted in hourly slices: the allowance may come back up to one slice late.
    expect(retryAfterS).toBeLessThanOrEqual(86_400 + 3600);
    await expect(quota.take('bob')).resolves.toBeUndefined();
    // A day later the allowance is back.
    now += 86_400_000 + 3_600_000;
    await expect(quota.take('ann')).resolves.toBeUndefined();
  });
});
