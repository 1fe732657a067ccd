import Type, { type Static } from 'typebox';
import { BaseConfig } from '@nxg/platform';

export const AnalyticsConfigSchema = {
  ...BaseConfig,
  /** Health endpoints; analytics' API is on NATS. */
  ANALYTICS_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8084 }),
  OUTBOX_RELAY_PAUSED: Type.Boolean({ default: false }),
  /** How often ended challenges are looked for, to freeze their final standings. */
  CHALLENGE_FREEZE_EVERY_MS: Type.Integer({ minimum: 100, default: 60_000 }),
};

export type AnalyticsConfig = Static<ReturnType<typeof Type.Object<typeof AnalyticsConfigSchema>>>;
