import Type, { type Static } from 'typebox';
import { BaseConfig } from '@nxg/platform';

export const HubConfigSchema = {
  ...BaseConfig,
  MACHINE_HUB_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8081 }),
  /** Names this replica in `hub.machine.<id>` routing and in the machines table; default host:pid. */
  HUB_INSTANCE_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' })),
  /** How often machines must say something; two missed intervals end the link. */
  HEARTBEAT_INTERVAL_S: Type.Integer({ minimum: 1, maximum: 600, default: 15 }),
  QR_TOKEN_TTL_S: Type.Integer({ minimum: 5, maximum: 3600, default: 60 }),
  /**
   * 32 bytes, base64: seals the hub's own secrets at rest (the QR signing key). Required in
   * production; generated under DATA_DIR when unset elsewhere.
   */
  HUB_DATA_KEY: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9+/]{43}=$', secret: true })),
  /** Older (or next) hub data keys, comma-separated base64: they open, never seal. */
  HUB_DATA_KEYS_DECRYPT_ONLY: Type.String({
    default: '',
    pattern: '^([A-Za-z0-9+/]{43}=(,[A-Za-z0-9+/]{43}=)*)?$',
    secret: true,
  }),
  /** Largest frame a machine may send. */
  MAX_FRAME_BYTES: Type.Integer({ minimum: 256, maximum: 1024 * 1024, default: 16 * 1024 }),
  /** Frames per second per connection (token bucket); a flood beyond twice that closes the socket. */
  FRAME_RATE_PER_S: Type.Integer({ minimum: 1, default: 20 }),
  JWT_ISSUER: Type.String({ default: 'nxg-identity' }),
  JWT_AUDIENCE: Type.String({ default: 'nxg' }),
  NATS_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  OUTBOX_RELAY_PAUSED: Type.Boolean({ default: false }),
};

export type HubConfig = Static<ReturnType<typeof Type.Object<typeof HubConfigSchema>>>;

/** What the schema alone cannot say. */
export function hubConfigProblems(config: HubConfig): string[] {
  return config.NODE_ENV === 'production' && !config.HUB_DATA_KEY
    ? ['HUB_DATA_KEY is required in production']
    : [];
}
