import Type, { type Static } from 'typebox';

export const Id = Type.String({ format: 'uuid' });
export const Timestamp = Type.String({ format: 'date-time' });

export const Pagination = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
};

export const page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

const Email = Type.String({ format: 'email', maxLength: 254 });
const Username = Type.String({ minLength: 3, maxLength: 32, pattern: '^[A-Za-z0-9_.-]+$' });
const Password = Type.String({ minLength: 10, maxLength: 256 });
const Name = Type.String({ minLength: 1, maxLength: 100 });
const ShortText = Type.String({ maxLength: 100 });
/** An IANA time zone (Europe/Berlin): the member's days, reminders and quiet hours follow it. */
const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'IANA time zone, e.g. Europe/Berlin',
});

export const Demographics = Type.Object(
  {
    age: Type.Optional(Type.Integer({ minimum: 13, maximum: 120 })),
    heightCm: Type.Optional(Type.Number({ minimum: 50, maximum: 260 })),
    weightKg: Type.Optional(Type.Number({ minimum: 20, maximum: 400 })),
    gender: Type.Optional(Type.Union([Type.Literal('female'), Type.Literal('male'), Type.Literal('other')])),
    activityLevel: Type.Optional(
      Type.Union([
        Type.Literal('sedentary'),
        Type.Literal('light'),
        Type.Literal('moderate'),
        Type.Literal('active'),
        Type.Literal('very_active'),
      ]),
    ),
  },
  { additionalProperties: false },
);

export const FitnessProfile = Type.Object(
  {
    level: Type.Optional(
      Type.Union([Type.Literal('beginner'), Type.Literal('intermediate'), Type.Literal('advanced')]),
    ),
    goal: Type.Optional(
      Type.Union([
        Type.Literal('lose_weight'),
        Type.Literal('build_muscle'),
        Type.Literal('endurance'),
        Type.Literal('general_fitness'),
      ]),
    ),
    /** Health data: stored encrypted. */
    healthConditions: Type.Optional(Type.Array(ShortText, { maxItems: 30 })),
  },
  { additionalProperties: false },
);

export const DietPreferences = Type.Object(
  {
    cuisines: Type.Optional(Type.Array(ShortText, { maxItems: 30 })),
    allergies: Type.Optional(Type.Array(ShortText, { maxItems: 30 })),
    dietType: Type.Optional(ShortText),
  },
  { additionalProperties: false },
);

export const Profile = Type.Object({
  name: Name,
  timezone: Type.String({ description: 'IANA time zone; UTC until the member sets one' }),
  demographics: Demographics,
  fitnessProfile: FitnessProfile,
  dietPreferences: DietPreferences,
});

export const BranchRoleSchema = Type.Union([Type.Literal('branch_admin'), Type.Literal('trainer')]);

export const User = Type.Object({
  id: Type.String(),
  email: Type.String(),
  username: Type.String(),
  roles: Type.Array(Type.String()),
  branchRoles: Type.Array(Type.Object({ branchId: Type.String(), role: Type.String() })),
  profile: Profile,
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type User = Static<typeof User>;

export const Tokens = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds until the access token expires' }),
});

export const AuthResult = Type.Object({
  user: User,
  accessToken: Type.String(),
  refreshToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer(),
});

export const RegisterBody = {
  email: Email,
  username: Username,
  password: Password,
  name: Name,
  timezone: Type.Optional(TimeZone),
};
export const LoginBody = {
  login: Type.String({ minLength: 1, maxLength: 254 }),
  password: Type.String({ minLength: 1, maxLength: 256 }),
};
export const RefreshBody = { refreshToken: Type.String({ minLength: 20, maxLength: 512 }) };

export const ProfilePatch = {
  name: Type.Optional(Name),
  timezone: Type.Optional(TimeZone),
  demographics: Type.Optional(Demographics),
  fitnessProfile: Type.Optional(FitnessProfile),
  dietPreferences: Type.Optional(DietPreferences),
};

const Metric = (minimum: number, maximum: number) => Type.Optional(Type.Number({ minimum, maximum }));

export const BodyMetrics = {
  measuredAt: Type.Optional(Timestamp),
  weightKg: Metric(20, 400),
  bodyFatPercentage: Metric(1, 80),
  skeletalMuscleMassKg: Metric(5, 150),
  basalMetabolicRateKcal: Metric(500, 5000),
  visceralFatLevel: Metric(1, 60),
  bodyWaterPercentage: Metric(20, 80),
  source: Type.Optional(Type.Union([Type.Literal('manual'), Type.Literal('scale'), Type.Literal('scan')])),
};

export const BodyComposition = Type.Object({
  id: Type.String(),
  measuredAt: Timestamp,
  weightKg: Type.Optional(Type.Number()),
  bodyFatPercentage: Type.Optional(Type.Number()),
  skeletalMuscleMassKg: Type.Optional(Type.Number()),
  basalMetabolicRateKcal: Type.Optional(Type.Number()),
  visceralFatLevel: Type.Optional(Type.Number()),
  bodyWaterPercentage: Type.Optional(Type.Number()),
  source: Type.String(),
});
export type BodyComposition = Static<typeof BodyComposition>;

export const Branch = Type.Object({
  id: Type.String(),
  name: Type.String(),
  address: Type.String(),
  timezone: Type.String(),
  openingHours: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
  createdAt: Timestamp,
});
export type Branch = Static<typeof Branch>;

export const BranchBody = {
  name: Name,
  address: Type.String({ minLength: 1, maxLength: 300 }),
  timezone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** `{ "mon": "06:00-22:00", ... }` in the branch's time zone. */
  openingHours: Type.Optional(
    Type.Object(
      Object.fromEntries(
        ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d) => [
          d,
          Type.Optional(
            Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]$' }),
          ),
        ]),
      ),
      { additionalProperties: false },
    ),
  ),
};

export const Jwks = Type.Object({
  keys: Type.Array(
    Type.Object({
      kty: Type.String(),
      kid: Type.String(),
      alg: Type.String(),
      use: Type.String(),
      n: Type.Optional(Type.String()),
      e: Type.Optional(Type.String()),
      crv: Type.Optional(Type.String()),
      x: Type.Optional(Type.String()),
      y: Type.Optional(Type.String()),
    }),
  ),
});

export const DataExport = Type.Object({
  exportedAt: Timestamp,
  user: User,
  bodyComposition: Type.Array(BodyComposition),
  sessions: Type.Array(
    Type.Object({ id: Type.String(), createdAt: Timestamp, revokedAt: Type.Union([Timestamp, Type.Null()]) }),
  ),
});

/** A TOTP code (six digits) or a recovery code (`xxxxx-xxxxx`); which one it is, the server tells. */
export const MfaCode = Type.String({ minLength: 6, maxLength: 32, pattern: '^[0-9A-Za-z-]+$' });

export const TotpEnrolment = Type.Object({
  secret: Type.String({ description: 'base32, for apps that cannot scan the QR code' }),
  otpauthUri: Type.String({ description: 'otpauth://totp/… for a QR code' }),
});

export const RecoveryCodes = Type.Object({
  recoveryCodes: Type.Array(Type.String(), {
    description: 'Ten single-use codes, shown this once: each signs in once in place of a TOTP code',
  }),
});

export const MfaLoginBody = {
  mfaToken: Type.String({ minLength: 20, maxLength: 200 }),
  code: MfaCode,
};

/** A fresh access token in the same session, carrying the new proof of the second factor. */
export const AccessTokenResult = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'seconds until the access token expires' }),
});

export const PasswordChangeBody = {
  currentPassword: Type.String({ minLength: 1, maxLength: 256 }),
  newPassword: Password,
};

/** The kinds of security event the audit log records. */
export const AuditType = Type.Union([
  Type.Literal('sign_in'),
  Type.Literal('sign_in_failed'),
  Type.Literal('login_locked'),
  Type.Literal('mfa_enrolled'),
  Type.Literal('mfa_disabled'),
  Type.Literal('mfa_failed'),
  Type.Literal('mfa_recovery_code_used'),
  Type.Literal('step_up'),
  Type.Literal('password_changed'),
  Type.Literal('role_granted'),
  Type.Literal('role_removed'),
  Type.Literal('account_erased'),
  Type.Literal('machine_secret_rotated'),
  Type.Literal('machine_decommissioned'),
]);

/** A security event: who, what, from where. Ids only: never a secret, token, code or health figure. */
export const AuditEntry = Type.Object({
  id: Type.String(),
  type: Type.String(),
  at: Timestamp,
  userId: Type.Union([Type.String(), Type.Null()], { description: 'the account it concerns' }),
  actorId: Type.Union([Type.String(), Type.Null()], { description: 'who did it, when not the account' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  details: Type.Record(Type.String(), Type.String(), {
    description: 'ids of what it touched (branchId, machineId, role, sessionId)',
  }),
});

export const AuditQuery = {
  ...Pagination,
  userId: Type.Optional(Id),
  type: Type.Optional(AuditType),
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
};
