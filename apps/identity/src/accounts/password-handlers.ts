import { identity, IdentityErrors } from '@nxg/contracts';
import { AppError, bind, type Binding, requireUser } from '@nxg/platform';
import { recordAudit } from '../audit/audit-store.ts';
import type { IdentityDeps } from '../deps.ts';
import { requireRecentMfaOf } from '../mfa/recent-mfa.ts';
import { findUserById } from './account-store.ts';
import { hashPassword, verifyPassword } from './password.ts';

/** Changing the password signs out every other session: whoever knew the old one is out. */
export function passwordBindings(deps: IdentityDeps): Binding[] {
  const { db, guard, sessions, revocations, mfaStore, users } = deps;
  return [
    bind(identity.changePassword, async ({ currentPassword, newPassword }, ctx) => {
      const userId = requireUser(ctx);
      await requireRecentMfaOf(db, mfaStore, ctx, userId);
      const row = await findUserById(db, userId);
      if (!row) throw new AppError(404, IdentityErrors.USER_NOT_FOUND, 'The account no longer exists');
      // The current password is guessed like a login: the same budget.
      const attempt = await guard.begin(userId, ctx.ip);
      if (!(await verifyPassword(row.password_hash, currentPassword))) {
        await attempt.failed();
        throw new AppError(403, IdentityErrors.CURRENT_PASSWORD_WRONG, 'The current password is not right');
      }
      await attempt.succeeded();
      const passwordHash = await hashPassword(newPassword);
      const keep = ctx.token?.sessionId;
      // Access tokens of the other sessions are refused from now on (revocation bucket)…
      const others = (await sessions.activeIds(db, userId)).filter((id) => id !== keep);
      await revocations.revokeSessions(others);
      const ended = await db.transaction(async (tx) => {
        await tx.query('UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1', [
          userId,
          passwordHash,
        ]);
        // …and their refresh tokens with them.
        const revoked = await sessions.revokeOthers(tx, userId, keep, 'password changed');
        await recordAudit(tx, {
          type: 'password_changed',
          userId,
          ip: ctx.ip,
          details: { sessionsEnded: String(revoked.length) },
        });
        return revoked;
      });
      const late = ended.filter((id) => !others.includes(id)); // signed in meanwhile
      if (late.length) await revocations.revokeSessions(late);
      users.invalidate(userId);
    }),
  ];
}
