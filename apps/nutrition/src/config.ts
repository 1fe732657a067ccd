import Type, { type Static } from 'typebox';
import { BaseConfig } from '@nxg/platform';

export const NutritionConfigSchema = {
  ...BaseConfig,
  /** Health endpoints; nutrition's API is on NATS. */
  NUTRITION_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8085 }),
  OUTBOX_RELAY_PAUSED: Type.Boolean({ default: false }),
  /**
   * The nutrition planning service (seed "External APIs"): API key + HMAC request signature.
   * Unset: plans are built here from reference foods. `secret`: from the deployment's secret store.
   */
  NUTRITION_AI_URL: Type.Optional(Type.String({ pattern: '^https?://', secret: true })),
  NUTRITION_AI_API_KEY: Type.Optional(Type.String({ minLength: 1, secret: true })),
  NUTRITION_AI_HMAC_SECRET: Type.Optional(Type.String({ minLength: 8, secret: true })),
  /** How long one call may take (seed: 10 s for AI services). */
  NUTRITION_AI_TIMEOUT_MS: Type.Integer({ minimum: 50, default: 10_000 }),
  /** Calls per day allowed by the service's plan, shared by all replicas (seed: 2000/day). */
  NUTRITION_AI_QUOTA_PER_DAY: Type.Integer({ minimum: 1, default: 2000 }),
  /** AI meal plans one member may have generated in any 24 hours (the fallback is never refused). */
  MEAL_PLANS_PER_MEMBER_PER_DAY: Type.Integer({ minimum: 1, default: 10 }),
  /** A plan older than this is replaced by the refresh job (default: weekly). */
  MEAL_PLAN_REFRESH_AFTER_S: Type.Integer({ minimum: 60, default: 7 * 86_400 }),
  /** How often the refresh job looks for plans that are due. */
  MEAL_PLAN_REFRESH_INTERVAL_S: Type.Integer({ minimum: 1, default: 600 }),
};

export type NutritionConfig = Static<ReturnType<typeof Type.Object<typeof NutritionConfigSchema>>>;

/** What the schema alone cannot say. */
export function checkNutritionConfig(config: NutritionConfig): string[] {
  const problems: string[] = [];
  if (config.NUTRITION_AI_URL && !(config.NUTRITION_AI_API_KEY && config.NUTRITION_AI_HMAC_SECRET))
    problems.push('NUTRITION_AI_API_KEY and NUTRITION_AI_HMAC_SECRET: required with NUTRITION_AI_URL');
  return problems;
}
