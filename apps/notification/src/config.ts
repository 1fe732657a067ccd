import Type, { type Static } from 'typebox';
import { BaseConfig } from '@nxg/platform';

export const NotificationConfigSchema = {
  ...BaseConfig,
  /** Health endpoints; notification's API is on NATS. */
  NOTIFICATION_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8086 }),
  OUTBOX_RELAY_PAUSED: Type.Boolean({ default: false }),
  /**
   * Firebase Cloud Messaging (HTTP v1): the service account's JSON key (from the secret store),
   * and the project when it is not the key's own. No key and no FCM_STAND_IN_URL: pushes are
   * written to the log instead (the console transport, for `pnpm start` on a bare machine).
   */
  FCM_PROJECT_ID: Type.Optional(Type.String({ pattern: '^[a-z0-9-]{4,64}$' })),
  FCM_SERVICE_ACCOUNT_JSON: Type.Optional(Type.String({ minLength: 2, secret: true })),
  /**
   * A local FCM stand-in (tests, local runs): the real firebase-admin client is sent there with
   * a fixed access token instead of Google's. Never set in production.
   */
  FCM_STAND_IN_URL: Type.Optional(Type.String({ pattern: '^http://' })),
  /** How often a replica looks for pushes that are due. */
  PUSH_DRAIN_INTERVAL_MS: Type.Integer({ minimum: 10, default: 1000 }),
  /** Deliveries one replica locks and sends per round. */
  PUSH_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  /** Attempts per device before a delivery is given up as failed. */
  PUSH_MAX_ATTEMPTS: Type.Integer({ minimum: 1, default: 10 }),
  /** First retry delay; doubled per attempt (with jitter) up to PUSH_RETRY_MAX_MS, or FCM's Retry-After if longer. */
  PUSH_RETRY_BASE_MS: Type.Integer({ minimum: 1, default: 2000 }),
  PUSH_RETRY_MAX_MS: Type.Integer({ minimum: 1, default: 15 * 60_000 }),
  /**
   * How long a replica's claim on a delivery lasts before another may take it (a replica killed
   * mid-send): longer than one send, firebase-admin's own retries of a 503 included.
   */
  PUSH_LEASE_S: Type.Integer({ minimum: 1, default: 300 }),
  /** At most this many notifications pushed to one member per PUSH_MEMBER_WINDOW_S; more wait, none is dropped. */
  PUSH_MEMBER_LIMIT: Type.Integer({ minimum: 1, default: 5 }),
  PUSH_MEMBER_WINDOW_S: Type.Integer({ minimum: 1, default: 60 }),
  /** How often a replica looks for reminders that are due. */
  REMINDER_TICK_MS: Type.Integer({ minimum: 10, default: 15_000 }),
  /**
   * A reminder missed by more than this (the service was down) is skipped; within it, only its
   * latest missed occurrence is sent, so a restart never floods.
   */
  REMINDER_GRACE_S: Type.Integer({ minimum: 0, default: 2 * 3600 }),
  /** Reminders one replica claims and sends per round. */
  REMINDER_BATCH_SIZE: Type.Integer({ minimum: 1, maximum: 1000, default: 200 }),
};

export type NotificationConfig = Static<ReturnType<typeof Type.Object<typeof NotificationConfigSchema>>>;

/** The FCM project: FCM_PROJECT_ID, else the service account key's own `project_id`. */
export function fcmProjectId(config: NotificationConfig): string | undefined {
  if (config.FCM_PROJECT_ID) return config.FCM_PROJECT_ID;
  if (!config.FCM_SERVICE_ACCOUNT_JSON) return undefined;
  try {
    const key = JSON.parse(config.FCM_SERVICE_ACCOUNT_JSON) as Record<string, unknown>;
    const complete = ['project_id', 'client_email', 'private_key'].every((k) => typeof key[k] === 'string');
    return complete ? (key.project_id as string) : undefined;
  } catch {
    return undefined;
  }
}

/** What the schema alone cannot say. */
export function checkNotificationConfig(config: NotificationConfig): string[] {
  const problems: string[] = [];
  if (config.FCM_SERVICE_ACCOUNT_JSON && config.FCM_STAND_IN_URL)
    problems.push('FCM_SERVICE_ACCOUNT_JSON and FCM_STAND_IN_URL: set one, not both');
  if (config.FCM_STAND_IN_URL && !config.FCM_PROJECT_ID)
    problems.push('FCM_PROJECT_ID: required with FCM_STAND_IN_URL');
  if (config.FCM_SERVICE_ACCOUNT_JSON && !fcmProjectId(config))
    problems.push(
      'FCM_SERVICE_ACCOUNT_JSON: not a service account key (JSON with project_id, client_email, private_key)',
    );
  return problems;
}
