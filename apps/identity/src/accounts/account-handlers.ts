import { identity, identityEvents, CommonErrorCodes, IdentityErrors } from '@nxg/contracts';
import { AppError, bind, enqueueEvent, type Binding, requireUser, uuidv7 } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import { requireTimeZone } from '../time-zone.ts';
import { recordAudit } from '../audit/audit-store.ts';
import { findUserById, findUserByLogin, rolesOf, toUser, type UserRow } from './account-store.ts';
import { hashPassword, verifyPassword } from './password.ts';
import { memberSubject, startSession } from './sign-in.ts';

const invalidCredentials = () =>
  new AppError(401, IdentityErrors.INVALID_CREDENTIALS, 'The login or password is not right');

/** Register, log in, refresh, log out, and the JWKS that verifies what they issue. */
export function accountBindings(deps: IdentityDeps): Binding[] {
  const { db, cipher, issuer, sessions, revocations, guard, keys, mfa, mfaChallenges } = deps;

  return [
    bind(identity.register, async (input, ctx) => {
      const timezone = requireTimeZone(input.timezone ?? 'UTC');
      const passwordHash = await hashPassword(input.password);
      const id = uuidv7();
      let created: { row: UserRow; refreshToken: string; sessionId: string };
      try {
        created = await db.transaction(async (tx) => {
          const [row] = await tx.query<UserRow>(
            `INSERT INTO users (id, email, username, password_hash, name, profile)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
            [id, input.email, input.username, passwordHash, input.name, JSON.stringify({ timezone })],
          );
          const session = await sessions.create(tx, id);
          await recordAudit(tx, {
            type: 'sign_in',
            userId: id,
            ip: ctx.ip,
            details: { sessionId: session.sessionId, method: 'register' },
          });
          await enqueueEvent(tx, {
            event: identityEvents.userRegistered,
            subject: id,
            data: {
              userId: id,
              username: input.username,
              name: input.name,
              timezone,
              registeredAt: new Date(row!.created_at).toISOString(),
            },
          });
          return { row: row!, ...session };
        });
      } catch (error) {
        throw uniqueViolation(error) ?? error;
      }
      const access = await issuer.issue(
        { id, ...rolesOf(created.row, []), mfa: { enrolled: false, provenAt: null } },
        created.sessionId,
      );
      return {
        user: toUser(created.row, [], cipher),
        accessToken: access.token,
        refreshToken: created.refreshToken,
        tokenType: 'Bearer' as const,
        expiresIn: access.expiresIn,
      };
    }),

    bind(identity.login, async (input, ctx) => {
      const row = await findUserByLogin(db, input.login);
      // Counted before the (slow) password check, per account whether named by email or username.
      const attempt = await guard.begin(row?.id ?? input.login, ctx.ip);
      if (!(await verifyPassword(row?.password_hash, input.password)) || !row) {
        const { locked } = await attempt.failed();
        if (row) {
          await recordAudit(db, { type: 'sign_in_failed', userId: row.id, ip: ctx.ip });
          if (locked) await recordAudit(db, { type: 'login_locked', userId: row.id, ip: ctx.ip });
        }
        throw invalidCredentials();
      }
      await attempt.succeeded();
      if (await deps.mfaStore.isEnrolled(db, row.id)) {
        throw new AppError(
          401,
          IdentityErrors.MFA_REQUIRED,
          'Enter the code from your authenticator app (or a recovery code)',
          { extensions: { mfaToken: await mfaChallenges.issue(row.id) } },
        );
      }
      return startSession(deps, row, { ip: ctx.ip, method: 'password', mfaAt: null });
    }),

    bind(identity.mfaLogin, async (input, ctx) => {
      const invalidToken = () =>
        new AppError(401, IdentityErrors.MFA_TOKEN_INVALID, 'The sign-in has expired; sign in again');
      const userId = await mfaChallenges.userOf(input.mfaToken);
      if (!userId) throw invalidToken();
      const method = await mfa.verify(userId, input.code, ctx.ip);
      await mfaChallenges.spend(input.mfaToken);
      const row = await findUserById(db, userId);
      if (!row) throw invalidToken();
      return startSession(deps, row, { ip: ctx.ip, method, mfaAt: new Date() });
    }),

    bind(identity.refresh, async (input) => {
      const result = await sessions.rotate(input.refreshToken);
      switch (result.outcome) {
        case 'unknown':
          throw new AppError(401, IdentityErrors.REFRESH_TOKEN_INVALID, 'The refresh token is not valid');
        case 'expired':
          throw new AppError(
            401,
            IdentityErrors.REFRESH_TOKEN_EXPIRED,
            'The session has expired; sign in again',
          );
        case 'revoked':
          throw new AppError(401, IdentityErrors.SESSION_REVOKED, 'The session was ended; sign in again');
        case 'reused':
          await revocations.revokeSessions([result.sessionId]);
          deps.logger.warn({ sessionId: result.sessionId }, 'refresh token reused: session revoked');
          throw new AppError(
            401,
            IdentityErrors.REFRESH_TOKEN_REUSED,
            'The refresh token was already used; the session is ended',
          );
      }
      const row = await findUserById(db, result.userId);
      if (!row) throw new AppError(401, IdentityErrors.SESSION_REVOKED, 'The account no longer exists');
      const access = await issuer.issue(await memberSubject(deps, db, row, result.mfaAt), result.sessionId);
      return {
        accessToken: access.token,
        refreshToken: result.refreshToken,
        tokenType: 'Bearer' as const,
        expiresIn: access.expiresIn,
      };
    }),

    bind(identity.logout, async (_input, ctx) => {
      const userId = requireUser(ctx);
      if (!ctx.token) throw new AppError(401, CommonErrorCodes.UNAUTHENTICATED, 'Sign in first');
      // Revoke where the gateways look first, then end the session for refreshes.
      await revocations.revokeToken(ctx.token.id, ctx.token.expiresAt);
      await revocations.revokeSessions([ctx.token.sessionId]);
      await sessions.revoke(ctx.token.sessionId, userId, 'logout');
    }),

    bind(identity.jwks, () => keys.jwks() as never),
  ];
}

/** A unique-index violation on register, as the 409 the member can act on. */
function uniqueViolation(error: unknown): AppError | undefined {
  const e = error as { code?: string; constraint?: string; message?: string };
  if (e.code !== '23505') return undefined;
  const where = `${e.constraint ?? ''} ${e.message ?? ''}`;
  if (where.includes('users_email_key'))
    return new AppError(409, IdentityErrors.EMAIL_TAKEN, 'An account with this email exists');
  if (where.includes('users_username_key'))
    return new AppError(409, IdentityErrors.USERNAME_TAKEN, 'This username is taken');
  return undefined;
}
