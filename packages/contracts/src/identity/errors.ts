import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Every error code identity answers with, beyond the common ones. */
export const identityErrorCatalog = {
  EMAIL_TAKEN: { status: 409, description: 'An account with this email exists' },
  USERNAME_TAKEN: { status: 409, description: 'This username is taken' },
  INVALID_CREDENTIALS: { status: 401, description: 'The login or password is not right' },
  LOGIN_LOCKED: { status: 429, description: 'Too many failed sign-ins; wait for `Retry-After` seconds' },
  REFRESH_TOKEN_INVALID: { status: 401, description: 'The refresh token is not valid' },
  REFRESH_TOKEN_EXPIRED: { status: 401, description: 'The session has expired; sign in again' },
  REFRESH_TOKEN_REUSED: {
    status: 401,
    description: 'The refresh token was already used; its session is ended',
  },
  SESSION_REVOKED: { status: 401, description: 'The session was ended or the account erased; sign in again' },
  USER_NOT_FOUND: { status: 404, description: 'No such account (or it was erased)' },
  BRANCH_NOT_FOUND: { status: 404, description: 'No such branch' },
  BRANCH_EXISTS: { status: 409, description: 'A branch with this name exists' },
  INVALID_TIMEZONE: { status: 400, description: 'The time zone is not an IANA time zone' },
  MEASURED_IN_FUTURE: { status: 400, description: '`measuredAt` is in the future' },
  MFA_REQUIRED: {
    status: 401,
    description:
      'The password is right and the account has two-step sign-in: send a code with the `mfaToken` of this problem to POST /v1/auth/mfa',
  },
  MFA_TOKEN_INVALID: {
    status: 401,
    description: 'The `mfaToken` is unknown, used or older than five minutes; sign in again',
  },
  MFA_CODE_INVALID: { status: 401, description: 'The code is wrong, expired or already used' },
  MFA_LOCKED: { status: 429, description: 'Too many wrong codes; wait for `Retry-After` seconds' },
  MFA_ALREADY_ENROLLED: { status: 409, description: 'Two-step sign-in is already on; turn it off first' },
  MFA_NOT_ENROLLED: { status: 409, description: 'Two-step sign-in is not on for this account' },
  MFA_NOT_PENDING: {
    status: 409,
    description: 'No enrolment is waiting for its first code; start one first',
  },
  CURRENT_PASSWORD_WRONG: { status: 403, description: 'The current password is not right' },
  CO_ADMIN_PROTECTED: {
    status: 403,
    description: 'A branch admin may not demote or remove another admin of the branch; platform admins may',
  },
  STAFF_ROLE_NOT_FOUND: { status: 404, description: 'The account is not staff of this branch' },
} as const satisfies ErrorCatalog;
export const IdentityErrors = codesOf(identityErrorCatalog);
