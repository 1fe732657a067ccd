import type { RequestContext } from '@nxg/contracts';
import { requireRecentMfa, type Queryable } from '@nxg/platform';
import type { MfaStore } from './mfa-store.ts';

/**
 * platform's requireRecentMfa with the account's MFA read from identity's own table, not from
 * the token: a token signed before the member enrolled still says `mfa: false`.
 */
export async function requireRecentMfaOf(
  q: Queryable,
  mfaStore: MfaStore,
  ctx: RequestContext,
  userId: string,
): Promise<void> {
  const enrolled = ctx.mfa?.enrolled || (await mfaStore.isEnrolled(q, userId));
  requireRecentMfa({ ...ctx, mfa: { ...ctx.mfa, enrolled } });
}
