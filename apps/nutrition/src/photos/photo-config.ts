import Type from 'typebox';

/** Nutrition's variables for meal photos and their detection: spread into its config schema. */
export const PhotoConfig = {
  /**
   * The meal detection service (seed "External APIs"); unset: photo meals are stored for manual
   * entry. `secret`: deployments take the address and its token from their secret store.
   */
  MEAL_AI_URL: Type.Optional(Type.String({ pattern: '^https?://', secret: true })),
  MEAL_AI_TOKEN: Type.Optional(Type.String({ minLength: 1, secret: true })),
  /** How long one call may take (seed: 10 s for AI services). */
  MEAL_AI_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 10_000 }),
  /** Calls per hour allowed by the service's plan, shared by all replicas (seed: 500/h). */
  MEAL_AI_QUOTA_PER_HOUR: Type.Integer({ minimum: 1, default: 500 }),
  /** Photo detections one member may cause in any 24 hours (a photo seen before costs nothing). */
  MEAL_DETECTIONS_PER_MEMBER_PER_DAY: Type.Integer({ minimum: 1, default: 60 }),
  /**
   * How long an upload waits for detection before it is answered as manual entry and retried later;
   * well under the gateway's NATS_REQUEST_TIMEOUT_MS, or the gateway gives up first.
   */
  MEAL_DETECTION_WAIT_MS: Type.Integer({ minimum: 10, default: 3_000 }),
  /** At or above: an item is taken as detected. */
  MEAL_ACCEPT_CONFIDENCE: Type.Number({ minimum: 0, maximum: 1, default: 0.85 }),
  /** At or above (below the accept level): the member is asked to confirm the item. */
  MEAL_CONFIRM_CONFIDENCE: Type.Number({ minimum: 0, maximum: 1, default: 0.5 }),
  /** How often the retry job looks for photos whose detection or feedback is still owed. */
  MEAL_DETECTION_RETRY_INTERVAL_MS: Type.Integer({ minimum: 100, default: 15_000 }),
  /** Attempts at a photo's detection (and at its feedback) before it is left to the member. */
  MEAL_DETECTION_MAX_ATTEMPTS: Type.Integer({ minimum: 1, default: 8 }),
};
