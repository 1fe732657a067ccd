import Type from 'typebox';
import { defineOperation } from '../operation.ts';
import { CommonErrorCodes as C } from '../errors.ts';
import { IdentityErrors as E } from './errors.ts';
import {
  AccessTokenResult,
  AuditEntry,
  AuditQuery,
  MfaCode,
  MfaLoginBody,
  PasswordChangeBody,
  RecoveryCodes,
  TotpEnrolment,
  AuthResult,
  BodyComposition,
  BodyMetrics,
  Branch,
  BranchBody,
  BranchRoleSchema,
  DataExport,
  Id,
  Jwks,
  LoginBody,
  Pagination,
  ProfilePatch,
  RefreshBody,
  RegisterBody,
  Tokens,
  User,
  page,
} from './schemas.ts';

const humans = ['member'] as const;

export const register = defineOperation('identity', 'register', {
  summary: 'Create a member account and sign in',
  http: { method: 'POST', path: '/v1/auth/register', status: 201, rateLimit: 'auth' },
  access: 'public',
  critical: true,
  body: Type.Object(RegisterBody, { additionalProperties: false }),
  output: AuthResult,
  errors: [E.EMAIL_TAKEN, E.USERNAME_TAKEN, E.INVALID_TIMEZONE],
});

export const login = defineOperation('identity', 'login', {
  summary: 'Sign in with email or username',
  http: { method: 'POST', path: '/v1/auth/login', status: 200, rateLimit: 'auth' },
  access: 'public',
  body: Type.Object(LoginBody, { additionalProperties: false }),
  output: AuthResult,
  errors: [E.INVALID_CREDENTIALS, E.LOGIN_LOCKED, E.MFA_REQUIRED],
});

export const mfaLogin = defineOperation('identity', 'mfa.login', {
  summary: 'Finish a sign-in that answered MFA_REQUIRED: its `mfaToken` and a TOTP or recovery code',
  http: { method: 'POST', path: '/v1/auth/mfa', status: 200, rateLimit: 'auth' },
  access: 'public',
  body: Type.Object(MfaLoginBody, { additionalProperties: false }),
  output: AuthResult,
  errors: [E.MFA_TOKEN_INVALID, E.MFA_CODE_INVALID, E.MFA_LOCKED],
});

export const stepUp = defineOperation('identity', 'mfa.step-up', {
  summary:
    'Prove the second factor again while signed in: a fresh access token for sensitive operations (10 minutes)',
  http: { method: 'POST', path: '/v1/auth/mfa/step-up', status: 200 },
  access: humans,
  body: Type.Object({ code: MfaCode }, { additionalProperties: false }),
  output: AccessTokenResult,
  errors: [E.MFA_NOT_ENROLLED, E.MFA_CODE_INVALID, E.MFA_LOCKED, E.SESSION_REVOKED],
});

export const refresh = defineOperation('identity', 'refresh', {
  summary: 'Trade a refresh token for a new pair; a spent token revokes its whole family',
  http: { method: 'POST', path: '/v1/auth/refresh', status: 200, rateLimit: 'auth' },
  access: 'public',
  body: Type.Object(RefreshBody, { additionalProperties: false }),
  output: Tokens,
  errors: [E.REFRESH_TOKEN_INVALID, E.REFRESH_TOKEN_EXPIRED, E.REFRESH_TOKEN_REUSED, E.SESSION_REVOKED],
});

export const logout = defineOperation('identity', 'logout', {
  summary: 'Revoke the access token at once and end its session',
  http: { method: 'POST', path: '/v1/auth/logout', status: 204 },
  access: humans,
  output: null,
});

export const jwks = defineOperation('identity', 'jwks', {
  summary: 'Public keys that verify access tokens',
  http: { method: 'GET', path: '/.well-known/jwks.json', status: 200 },
  access: 'public',
  output: Jwks,
});

export const getMe = defineOperation('identity', 'me.get', {
  summary: 'The signed-in account',
  http: { method: 'GET', path: '/v1/me', status: 200 },
  access: humans,
  output: User,
  errors: [E.USER_NOT_FOUND],
});

export const updateProfile = defineOperation('identity', 'me.profile.update', {
  summary: 'Change name, time zone, demographics, fitness profile or diet preferences',
  http: { method: 'PATCH', path: '/v1/me/profile', status: 200 },
  access: humans,
  body: Type.Object(ProfilePatch, { additionalProperties: false, minProperties: 1 }),
  output: User,
  errors: [E.USER_NOT_FOUND, E.INVALID_TIMEZONE],
});

export const recordBodyComposition = defineOperation('identity', 'me.body.record', {
  summary: 'Record a body-composition measurement (kept as history)',
  http: { method: 'PUT', path: '/v1/me/body-composition', status: 200 },
  access: humans,
  body: Type.Object(BodyMetrics, { additionalProperties: false, minProperties: 1 }),
  output: BodyComposition,
  errors: [E.MEASURED_IN_FUTURE, E.USER_NOT_FOUND],
});

export const bodyCompositionHistory = defineOperation('identity', 'me.body.history', {
  summary: 'Body-composition measurements, newest first',
  http: { method: 'GET', path: '/v1/me/body-composition/history', status: 200 },
  access: humans,
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(BodyComposition),
});

export const exportMe = defineOperation('identity', 'me.export', {
  summary: 'Everything identity holds about the signed-in account',
  http: { method: 'GET', path: '/v1/me/export', status: 200 },
  access: humans,
  output: DataExport,
  errors: [E.USER_NOT_FOUND],
});

export const deleteMe = defineOperation('identity', 'me.delete', {
  summary: 'Erase the account; every service erases its data on identity.user.deleted',
  http: { method: 'DELETE', path: '/v1/me', status: 204 },
  access: humans,
  output: null,
  errors: [E.USER_NOT_FOUND, C.STEP_UP_REQUIRED],
});

export const enrolTotp = defineOperation('identity', 'me.mfa.totp.enrol', {
  summary: 'Start TOTP enrolment: a secret for an authenticator app, pending until its first code',
  http: { method: 'POST', path: '/v1/me/mfa/totp', status: 201 },
  access: humans,
  output: TotpEnrolment,
  errors: [E.MFA_ALREADY_ENROLLED, E.USER_NOT_FOUND],
});

export const confirmTotp = defineOperation('identity', 'me.mfa.totp.confirm', {
  summary: 'Confirm TOTP enrolment with a first code: ten recovery codes, shown once',
  http: { method: 'POST', path: '/v1/me/mfa/totp/verify', status: 200 },
  access: humans,
  body: Type.Object({ code: Type.String({ pattern: '^[0-9]{6}$' }) }, { additionalProperties: false }),
  output: RecoveryCodes,
  errors: [E.MFA_NOT_PENDING, E.MFA_CODE_INVALID, E.MFA_LOCKED],
});

export const disableMfa = defineOperation('identity', 'me.mfa.disable', {
  summary: 'Turn two-step sign-in off: with a current code, or after a recent step-up',
  http: { method: 'DELETE', path: '/v1/me/mfa', status: 204 },
  access: humans,
  body: Type.Object({ code: Type.Optional(MfaCode) }, { additionalProperties: false }),
  output: null,
  errors: [E.MFA_NOT_ENROLLED, E.MFA_CODE_INVALID, E.MFA_LOCKED, C.STEP_UP_REQUIRED],
});

export const changePassword = defineOperation('identity', 'me.password.change', {
  summary: 'Change the password; every other session of the account is signed out',
  http: { method: 'POST', path: '/v1/me/password', status: 204 },
  access: humans,
  body: Type.Object(PasswordChangeBody, { additionalProperties: false }),
  output: null,
  errors: [E.CURRENT_PASSWORD_WRONG, E.LOGIN_LOCKED, E.USER_NOT_FOUND, C.STEP_UP_REQUIRED],
});

export const listAudit = defineOperation('identity', 'admin.audit.list', {
  summary: 'Security events (sign-ins, MFA, passwords, roles, erasures, machine actions), newest first',
  http: { method: 'GET', path: '/v1/admin/audit', status: 200 },
  access: ['platform_admin'],
  query: Type.Object(AuditQuery, { additionalProperties: false }),
  output: page(AuditEntry),
});

export const createBranch = defineOperation('identity', 'branches.create', {
  summary: 'Open a branch (platform admins)',
  http: { method: 'POST', path: '/v1/branches', status: 201 },
  access: ['platform_admin'],
  body: Type.Object(BranchBody, { additionalProperties: false }),
  output: Branch,
  errors: [E.INVALID_TIMEZONE, E.BRANCH_EXISTS],
});

export const listBranches = defineOperation('identity', 'branches.list', {
  summary: 'Branches, by name',
  http: { method: 'GET', path: '/v1/branches', status: 200 },
  access: humans,
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(Branch),
});

export const getBranch = defineOperation('identity', 'branches.get', {
  summary: 'One branch, with its time zone and opening hours',
  http: { method: 'GET', path: '/v1/branches/{branchId}', status: 200 },
  access: humans,
  // On their own behalf (no member behind it): workout's session sweep reads a branch's hours,
  // analytics its time zone for leaderboards.
  callers: ['workout', 'analytics'],
  params: Type.Object({ branchId: Id }, { additionalProperties: false }),
  output: Branch,
  errors: [E.BRANCH_NOT_FOUND],
});

export const assignBranchRole = defineOperation('identity', 'branches.staff.assign', {
  summary: "Make an account staff of a branch (platform admins, or that branch's admins for trainers)",
  http: { method: 'PUT', path: '/v1/branches/{branchId}/staff/{userId}', status: 200 },
  access: ['platform_admin', 'branch_admin'],
  params: Type.Object({ branchId: Id, userId: Id }, { additionalProperties: false }),
  body: Type.Object({ role: BranchRoleSchema }, { additionalProperties: false }),
  output: Type.Object({ branchId: Type.String(), userId: Type.String(), role: Type.String() }),
  errors: [E.BRANCH_NOT_FOUND, E.USER_NOT_FOUND, E.CO_ADMIN_PROTECTED, C.STEP_UP_REQUIRED],
});

export const removeBranchRole = defineOperation('identity', 'branches.staff.remove', {
  summary: "Remove an account's staff role at a branch; its access tokens stop carrying it at once",
  http: { method: 'DELETE', path: '/v1/branches/{branchId}/staff/{userId}', status: 204 },
  access: ['platform_admin', 'branch_admin'],
  params: Type.Object({ branchId: Id, userId: Id }, { additionalProperties: false }),
  output: null,
  errors: [E.STAFF_ROLE_NOT_FOUND, E.CO_ADMIN_PROTECTED, C.STEP_UP_REQUIRED],
});

/** Internal (NATS only): machine-hub asks for a machine token once it has checked the machine's secret. */
export const issueMachineToken = defineOperation('identity', 'tokens.machine', {
  summary: 'Sign a short-lived machine token, verified through the same JWKS as members’ tokens',
  access: [],
  callers: ['machine-hub'],
  body: Type.Object(
    {
      machineId: Id,
      branchId: Id,
      /** The machine's secret generation (1 until its secret is first rotated): part of the token's `sid`. */
      generation: Type.Optional(Type.Integer({ minimum: 1 })),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ accessToken: Type.String(), expiresIn: Type.Integer() }),
});

/** Every identity operation, in the order the gateway registers them. */
export const all = [
  register,
  login,
  mfaLogin,
  stepUp,
  refresh,
  logout,
  jwks,
  getMe,
  updateProfile,
  recordBodyComposition,
  bodyCompositionHistory,
  exportMe,
  deleteMe,
  enrolTotp,
  confirmTotp,
  disableMfa,
  changePassword,
  listAudit,
  createBranch,
  listBranches,
  getBranch,
  assignBranchRole,
  removeBranchRole,
  issueMachineToken,
] as const;
