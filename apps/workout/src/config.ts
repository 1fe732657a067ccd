import Type, { type Static } from 'typebox';
import { BaseConfig } from '@nxg/platform';

export const WorkoutConfigSchema = {
  ...BaseConfig,
  /** Health endpoints; workout's API is on NATS. */
  WORKOUT_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8083 }),
  /** A session with no check-out, link or logged set for this long (seconds) ends by itself. */
  SESSION_IDLE_TIMEOUT_S: Type.Integer({ minimum: 1, default: 90 * 60 }),
  /** How often the session job looks for idle sessions. */
  SESSION_SWEEP_INTERVAL_S: Type.Integer({ minimum: 1, default: 30 }),
  OUTBOX_RELAY_PAUSED: Type.Boolean({ default: false }),
  /**
   * The workout planning service (seed "External APIs"); unset: plans come from the built-in rules.
   * `secret`: deployments take the address and its key from their secret store (tools/deploy).
   */
  WORKOUT_AI_URL: Type.Optional(Type.String({ pattern: '^https?://', secret: true })),
  WORKOUT_AI_API_KEY: Type.Optional(Type.String({ minLength: 1, secret: true })),
  WORKOUT_AI_API_KEY_HEADER: Type.String({ default: 'X-Api-Key' }),
  /** How long one call may take (seed: 10 s for AI services). */
  WORKOUT_AI_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 10_000 }),
  /** Calls per hour allowed by the service's plan, shared by all replicas (seed: 1000/h). */
  WORKOUT_AI_QUOTA_PER_HOUR: Type.Integer({ minimum: 1, default: 1000 }),
  /** AI plans one member may have generated in any 24 hours (cached answers do not count). */
  PLAN_GENERATIONS_PER_MEMBER_PER_DAY: Type.Integer({ minimum: 1, default: 10 }),
};

export type WorkoutConfig = Static<ReturnType<typeof Type.Object<typeof WorkoutConfigSchema>>>;
