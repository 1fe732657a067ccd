import type { Queryable } from '@nxg/platform';
import { recordAudit } from '../audit/audit-store.ts';
import type { IdentityDeps } from '../deps.ts';
import type { TokenSubject } from '../tokens/token-issuer.ts';
import { rolesOf, staffRolesOf, toUser, type UserRow } from './account-store.ts';

/** What a member's access token says: roles from the database, MFA from the account and session. */
export async function memberSubject(
  { mfaStore }: Pick<IdentityDeps, 'mfaStore'>,
  q: Queryable,
  row: UserRow,
  mfaAt: Date | null,
): Promise<TokenSubject> {
  const staff = await staffRolesOf(q, row.id);
  return {
    id: row.id,
    ...rolesOf(row, staff),
    mfa: { enrolled: await mfaStore.isEnrolled(q, row.id), provenAt: mfaAt },
  };
}

/**
 * A new session for an account whose credentials were checked: the sign-in is audited in the same
 * transaction, and `mfaAt` says when (if) it proved the second factor.
 */
export async function startSession(
  deps: IdentityDeps,
  row: UserRow,
  how: { ip: string | undefined; method: 'password' | 'totp' | 'recovery_code'; mfaAt: Date | null },
) {
  const { db, sessions, issuer, cipher } = deps;
  const session = await db.transaction(async (tx) => {
    const created = await sessions.create(tx, row.id, how.mfaAt);
    await recordAudit(tx, {
      type: 'sign_in',
      userId: row.id,
      ip: how.ip,
      details: { sessionId: created.sessionId, method: how.method },
    });
    return created;
  });
  const staff = await staffRolesOf(db, row.id);
  const access = await issuer.issue(await memberSubject(deps, db, row, how.mfaAt), session.sessionId);
  return {
    user: toUser(row, staff, cipher),
    accessToken: access.token,
    refreshToken: session.refreshToken,
    tokenType: 'Bearer' as const,
    expiresIn: access.expiresIn,
  };
}
