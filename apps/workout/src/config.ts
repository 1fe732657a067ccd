import Type, { type Static } from 'typebox';
import { BaseConfig, loadConfig } from '@nxg/platform';

export const WorkoutConfigSchema = {
  ...BaseConfig,
  /** Health endpoints; workout's API is on NATS. */
  WORKOUT_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8083 }),
  /** A session with no check-out, link or logged set for this long (seconds) ends by itself. */
  SESSION_IDLE_TIMEOUT_S: Type.Integer({ minimum: 1, default: 90 * 60 }),
  /** How often the session job looks for idle sessions. */
  SESSION_SWEEP_INTERVAL_S: Type.Integer({ minimum: 1, default: 30 }),
  OUTBOX_RELAY_PAUSED: Type.Boolean({ default: false }),
};

export type WorkoutConfig = Static<ReturnType<typeof Type.Object<typeof WorkoutConfigSchema>>>;

export const loadWorkoutConfig = (env: Record<string, string | undefined> = process.env): WorkoutConfig =>
  loadConfig(WorkoutConfigSchema, env);
