import { describe, expect, it } from 'vitest';
import type { RequestContext } from '@nxg/contracts';
import { requireRecentMfa } from './step-up.ts';

const at = Date.parse('2026-11-30T12:00:00Z');
const ctx = (mfa?: RequestContext['mfa']): RequestContext => ({
  requestId: 'r',
  userId: 'u',
  roles: ['member'],
  branchRoles: {},
  ...(mfa ? { mfa } : {}),
});

describe('requireRecentMfa', () => {
  it('lets accounts without MFA through', () => {
    expect(() => requireRecentMfa(ctx(), at)).not.toThrow();
    expect(() => requireRecentMfa(ctx({ enrolled: false }), at)).not.toThrow();
  });

  it('wants a proof of the second factor from the last ten minutes', () => {
    const secondsAgo = (s: number) => ctx({ enrolled: true, provenAt: at / 1000 - s });
    expect(() => requireRecentMfa(secondsAgo(60), at)).not.toThrow();
    expect(() => requireRecentMfa(secondsAgo(600), at)).not.toThrow();
    expect(() => requireRecentMfa(secondsAgo(601), at)).toThrow(
      expect.objectContaining({ status: 403, code: 'STEP_UP_REQUIRED' }),
    );
    expect(() => requireRecentMfa(ctx({ enrolled: true }), at)).toThrow(
      expect.objectContaining({ code: 'STEP_UP_REQUIRED' }),
    );
  });
});
