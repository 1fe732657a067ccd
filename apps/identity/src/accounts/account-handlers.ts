import { identity, identityEvents, CommonErrorCodes, IdentityErrors } from '@nxg/contracts';
import { AppError, bind, enqueueEvent, type Binding, requireUser } from '@nxg/platform';
import { v7 as uuidv7 } from 'uuid';
import type { IdentityDeps } from '../deps.ts';
import {
  findUserById,
  findUserByLogin,
  rolesOf,
  staffRolesOf,
  toUser,
  type UserRow,
} from './account-store.ts';
import { hashPassword, verifyPassword } from './password.ts';

const invalidCredentials = () =>
  new AppError(401, IdentityErrors.INVALID_CREDENTIALS, 'The login or password is not right');

/** Register, log in, refresh, log out, and the JWKS that verifies what they issue. */
export function accountBindings(deps: IdentityDeps): Binding[] {
  const { db, cipher, issuer, sessions, revocations, guard, keys, outbox } = deps;

  const signIn = async (row: UserRow) => {
    const staff = await staffRolesOf(db, row.id);
    const session = await db.transaction((tx) => sessions.create(tx, row.id));
    const access = await issuer.issue({ id: row.id, ...rolesOf(row, staff) }, session.sessionId);
    return {
      user: toUser(row, staff, cipher),
      accessToken: access.token,
      refreshToken: session.refreshToken,
      tokenType: 'Bearer' as const,
      expiresIn: access.expiresIn,
    };
  };

  return [
    bind(identity.register, async (input) => {
      const passwordHash = await hashPassword(input.password);
      const id = uuidv7();
      let created: { row: UserRow; refreshToken: string; sessionId: string };
      try {
        created = await db.transaction(async (tx) => {
          const [row] = await tx.query<UserRow>(
            `INSERT INTO users (id, email, username, password_hash, name) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
            [id, input.email, input.username, passwordHash, input.name],
          );
          const session = await sessions.create(tx, id);
          await enqueueEvent(tx, {
            event: identityEvents.userRegistered,
            subject: id,
            data: {
              userId: id,
              username: input.username,
              name: input.name,
              registeredAt: new Date(row!.created_at).toISOString(),
            },
          });
          return { row: row!, ...session };
        });
      } catch (error) {
        throw uniqueViolation(error) ?? error;
      }
      outbox.kick();
      const access = await issuer.issue({ id, ...rolesOf(created.row, []) }, created.sessionId);
      return {
        user: toUser(created.row, [], cipher),
        accessToken: access.token,
        refreshToken: created.refreshToken,
        tokenType: 'Bearer' as const,
        expiresIn: access.expiresIn,
      };
    }),

    bind(identity.login, async (input, ctx) => {
      await guard.assertAllowed(input.login, ctx.ip);
      const row = await findUserByLogin(db, input.login);
      if (!(await verifyPassword(row?.password_hash, input.password)) || !row) {
        await guard.recordFailure(input.login, ctx.ip);
        throw invalidCredentials();
      }
      await guard.recordSuccess(input.login);
      return signIn(row);
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
      const staff = await staffRolesOf(db, row.id);
      const access = await issuer.issue({ id: row.id, ...rolesOf(row, staff) }, result.sessionId);
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
