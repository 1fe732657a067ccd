import { identity, IdentityErrors } from '@nxg/contracts';
import { AppError, bind, type Binding, requireUser } from '@nxg/platform';
import { findUserById } from '../accounts/account-store.ts';
import { memberSubject } from '../accounts/sign-in.ts';
import { recordAudit } from '../audit/audit-store.ts';
import type { IdentityDeps } from '../deps.ts';
import { requireRecentMfaOf } from './recent-mfa.ts';
import { hashRecoveryCode, newRecoveryCodes } from './recovery-codes.ts';
import { newTotpSecret, otpauthUri } from './totp.ts';

const userGone = () => new AppError(404, IdentityErrors.USER_NOT_FOUND, 'The account no longer exists');
const notEnrolled = () =>
  new AppError(409, IdentityErrors.MFA_NOT_ENROLLED, 'Two-step sign-in is not on for this account');

/** TOTP enrolment, its recovery codes, turning it off, and step-up for sensitive operations. */
export function mfaBindings(deps: IdentityDeps): Binding[] {
  const { db, mfa, mfaStore, sessions, issuer, config } = deps;

  return [
    bind(identity.enrolTotp, async (_input, ctx) => {
      const userId = requireUser(ctx);
      const row = await findUserById(db, userId);
      if (!row) throw userGone();
      if (await mfaStore.isEnrolled(db, userId)) {
        throw new AppError(409, IdentityErrors.MFA_ALREADY_ENROLLED, 'Two-step sign-in is already on');
      }
      const secret = newTotpSecret();
      await mfaStore.savePending(db, userId, secret);
      return { secret, otpauthUri: otpauthUri(secret, row.email, config.mfaIssuer) };
    }),

    bind(identity.confirmTotp, async ({ code }, ctx) => {
      const userId = requireUser(ctx);
      const pending = await mfaStore.totp(db, userId);
      if (!pending || pending.confirmed) {
        throw new AppError(
          409,
          IdentityErrors.MFA_NOT_PENDING,
          'Start an enrolment first (POST /v1/me/mfa/totp)',
        );
      }
      const step = await mfa.verifyPending(userId, pending.secret, code);
      const recoveryCodes = newRecoveryCodes();
      await db.transaction(async (tx) => {
        // Locked: two confirmations at once must not leave two sets of recovery codes.
        const current = await mfaStore.totp(tx, userId, true);
        if (!current || current.confirmed || current.secret !== pending.secret) {
          throw new AppError(409, IdentityErrors.MFA_NOT_PENDING, 'This enrolment was replaced or finished');
        }
        await mfaStore.confirm(tx, userId, step, recoveryCodes.map(hashRecoveryCode));
        await recordAudit(tx, { type: 'mfa_enrolled', userId, ip: ctx.ip, details: { method: 'totp' } });
      });
      return { recoveryCodes };
    }),

    bind(identity.disableMfa, async ({ code }, ctx) => {
      const userId = requireUser(ctx);
      if (!(await mfaStore.isEnrolled(db, userId))) throw notEnrolled();
      if (code) await mfa.verify(userId, code, ctx.ip);
      else await requireRecentMfaOf(db, mfaStore, ctx, userId);
      await db.transaction(async (tx) => {
        await mfaStore.remove(tx, userId);
        await recordAudit(tx, { type: 'mfa_disabled', userId, ip: ctx.ip });
      });
    }),

    bind(identity.stepUp, async ({ code }, ctx) => {
      const userId = requireUser(ctx);
      const sessionId = ctx.token?.sessionId;
      if (!sessionId) throw new AppError(401, IdentityErrors.SESSION_REVOKED, 'Sign in again');
      if (!(await mfaStore.isEnrolled(db, userId))) throw notEnrolled();
      const method = await mfa.verify(userId, code, ctx.ip);
      const at = new Date();
      await db.transaction(async (tx) => {
        if (!(await sessions.proveMfa(tx, sessionId, userId, at))) {
          throw new AppError(401, IdentityErrors.SESSION_REVOKED, 'The session was ended; sign in again');
        }
        await recordAudit(tx, { type: 'step_up', userId, ip: ctx.ip, details: { sessionId, method } });
      });
      const row = await findUserById(db, userId);
      if (!row) throw userGone();
      const access = await issuer.issue(await memberSubject(deps, db, row, at), sessionId);
      return { accessToken: access.token, tokenType: 'Bearer' as const, expiresIn: access.expiresIn };
    }),
  ];
}
