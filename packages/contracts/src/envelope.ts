import Type, { type Static } from 'typebox';

/** Who is asking and on whose behalf: set by the gateway, the only identity a service trusts. */
export const RequestContext = Type.Object({
  requestId: Type.String(),
  userId: Type.Optional(Type.String()),
  roles: Type.Array(Type.String()),
  /** Branches where the caller is staff, with their role there. */
  branchRoles: Type.Record(Type.String(), Type.String()),
  traceparent: Type.Optional(Type.String()),
  ip: Type.Optional(Type.String()),
  /**
   * The second factor, from the access token: whether the account has MFA and when it last proved
   * it (epoch seconds), so a service can ask for a recent proof (platform's requireRecentMfa).
   */
  mfa: Type.Optional(Type.Object({ enrolled: Type.Boolean(), provenAt: Type.Optional(Type.Number()) })),
  /**
   * The client's Idempotency-Key on a critical write, hashed (SHA-256, hex). A service that keeps
   * it with what the write created refuses a second effect even when the gateway has no record of
   * the first answer (the retry after a timeout while the first was being committed).
   */
  idempotencyKey: Type.Optional(Type.String({ maxLength: 64 })),
  /** The access token behind the call, so logout can revoke it. */
  token: Type.Optional(
    Type.Object({ id: Type.String(), sessionId: Type.String(), expiresAt: Type.Number() }),
  ),
});
export type RequestContext = Static<typeof RequestContext>;

export const ErrorBody = Type.Object({
  status: Type.Integer(),
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Unknown()),
  /** Response headers the caller should pass on, e.g. Retry-After. */
  headers: Type.Optional(Type.Record(Type.String(), Type.String())),
  /** Extension members of the problem document (RFC 9457 §3.2), e.g. MFA_REQUIRED's `mfaToken`. */
  extensions: Type.Optional(Type.Record(Type.String(), Type.String())),
});
export type ErrorBody = Static<typeof ErrorBody>;

/** NATS request payload for every operation. */
export interface RequestEnvelope<T = unknown> {
  ctx: RequestContext;
  body: T;
}

export type ReplyEnvelope<T = unknown> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/** Domain event as it travels on JetStream. */
export interface EventEnvelope<T = unknown> {
  id: string;
  type: string;
  source: string;
  time: string;
  subject: string;
  dataVersion: number;
  data: T;
}
