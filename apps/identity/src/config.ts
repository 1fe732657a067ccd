import Type, { type Static } from 'typebox';
import { BaseConfig } from '@nxg/platform';
import { ScanConfig, scanConfigProblems } from './scans/scan-config.ts';

export const IdentityConfigSchema = {
  ...BaseConfig,
  /** Health endpoints; identity's API is on NATS. */
  IDENTITY_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8082 }),
  /** 32 bytes, base64: encrypts health data and signing keys at rest. Generated under DATA_DIR when unset outside production. */
  IDENTITY_DATA_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', secret: true })),
  /**
   * Other data keys, comma-separated base64, that open sealed values but never seal: the keys a
   * rotation is moving away from (re-sealed in the background; remove once `pnpm keys:data-key-status`
   * says done), or the next key while a rolling deploy makes it current (see README, key rotation).
   */
  IDENTITY_DATA_KEYS_DECRYPT_ONLY: Type.String({
    default: '',
    pattern: '^([A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*)?$',
    secret: true,
  }),
  /** Re-sealing of values under an older key or format: rows per table and batch, and the pause between batches. */
  DATA_KEY_RESEAL_BATCH: Type.Integer({ minimum: 1, maximum: 10_000, default: 200 }),
  DATA_KEY_RESEAL_INTERVAL_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  JWT_ALGORITHM: Type.Union([Type.Literal('RS256'), Type.Literal('ES256')], { default: 'RS256' }),
  JWT_ISSUER: Type.String({ default: 'nxg-identity' }),
  JWT_AUDIENCE: Type.String({ default: 'nxg' }),
  ACCESS_TOKEN_TTL_S: Type.Integer({ minimum: 1, maximum: 3600, default: 900 }),
  REFRESH_TOKEN_TTL_S: Type.Integer({ minimum: 3600, default: 30 * 24 * 3600 }),
  /** Lifetime of a machine token; the hub closes a machine's socket when it ends. */
  MACHINE_TOKEN_TTL_S: Type.Integer({ minimum: 1, maximum: 3600, default: 900 }),
  SIGNING_KEY_ROTATION_DAYS: Type.Integer({ minimum: 1, default: 30 }),
  /**
   * A new signing key is in the JWKS this long before it signs: at least the verifiers' JWKS cache
   * time, so no verifier meets a token whose key it has not fetched.
   */
  SIGNING_KEY_PREPUBLISH_S: Type.Integer({ minimum: 1, default: 900 }),
  /** `secret`: deployments take it from their secret store (tools/deploy), the email with its password. */
  PLATFORM_ADMIN_EMAIL: Type.Optional(Type.String({ format: 'email', secret: true })),
  PLATFORM_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10, secret: true })),
  /** Failed logins per account before a cool-down. */
  LOGIN_MAX_FAILURES: Type.Integer({ minimum: 1, default: 10 }),
  /** Failed logins per client IP (any account) before a cool-down. */
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, default: 100 }),
  LOGIN_COOLDOWN_S: Type.Integer({ minimum: 1, default: 900 }),
  /** Wrong second-factor codes per account before a cool-down (LOGIN_COOLDOWN_S). */
  MFA_MAX_FAILURES: Type.Integer({ minimum: 1, default: 5 }),
  /** The issuer name authenticator apps show beside the account. */
  MFA_ISSUER: Type.String({ minLength: 1, default: 'NXG Connect' }),
  /** Holds events in the outbox (maintenance of the event bus). */
  OUTBOX_RELAY_PAUSED: Type.Boolean({ default: false }),
  /** 3D scans: object storage and the scanning service (scans/scan-config.ts). */
  ...ScanConfig,
};

export type IdentityConfig = Static<ReturnType<typeof Type.Object<typeof IdentityConfigSchema>>>;

/** What the schema alone cannot say: variables that go together, and what production requires. */
export function identityConfigProblems(config: IdentityConfig): string[] {
  const problems: string[] = [];
  if (config.NODE_ENV === 'production' && !config.IDENTITY_DATA_KEY) {
    problems.push('IDENTITY_DATA_KEY is required in production');
  }
  if (Boolean(config.PLATFORM_ADMIN_EMAIL) !== Boolean(config.PLATFORM_ADMIN_PASSWORD)) {
    problems.push('PLATFORM_ADMIN_EMAIL and PLATFORM_ADMIN_PASSWORD go together');
  }
  problems.push(...scanConfigProblems(config));
  return problems;
}
