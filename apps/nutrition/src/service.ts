import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { createExternalClient, createMemberQuota, hmacSigned } from '@nxg/external';
import { defineService, openObjectStore } from '@nxg/platform';
import { openFoodIndex } from '@nxg/reference-data';
import { checkNutritionConfig, NutritionConfigSchema } from './config.ts';
import { daysFeature } from './days/days-feature.ts';
import { foodsFeature } from './foods/foods-feature.ts';
import { mealsFeature } from './meals/meals-feature.ts';
import { membersFeature } from './members/members-feature.ts';
import { createPhotoDeps } from './photos/photo-context.ts';
import { photosFeature } from './photos/photos-feature.ts';
import { createPlanningService } from './plans/planning-service.ts';
import { plansFeature } from './plans/plans-feature.ts';
import { targetsFeature } from './targets/targets-feature.ts';

/** Nutrition: reference foods, meals and days, targets, meal plans (AI or built here). */
export default defineService({
  name: 'nutrition',
  config: NutritionConfigSchema,
  checkConfig: checkNutritionConfig,
  port: 'NUTRITION_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  async context(kit) {
    const { config } = kit;
    // Built now, not by the first request (a missing dataset stops start-up); the built index is
    // kept under DATA_DIR so the next start reads it instead of rebuilding.
    const foods = await openFoodIndex({ cacheDir: join(config.DATA_DIR, 'reference-data') });
    // The nutrition planning service through the external-service kit (timeouts, retries, breaker, quota, cache).
    const client = config.NUTRITION_AI_URL
      ? createExternalClient({
          name: 'nutrition-planning',
          baseUrl: config.NUTRITION_AI_URL,
          kind: 'ai',
          timeoutMs: config.NUTRITION_AI_TIMEOUT_MS,
          auth: hmacSigned(config.NUTRITION_AI_API_KEY ?? '', config.NUTRITION_AI_HMAC_SECRET ?? ''),
          quota: { limit: config.NUTRITION_AI_QUOTA_PER_DAY, windowS: 86_400 },
          cache: kit.cache,
          logger: kit.logger,
        })
      : undefined;
    if (client) kit.onStop(() => client.close());
    // Meal photos: the gateway stores them; nutrition reads them for detection, signs URLs, removes them.
    const store = await openObjectStore(config, kit.logger);
    kit.onStop(() => store.close());
    const photos = createPhotoDeps({
      ...kit,
      config,
      db: kit.db,
      cache: kit.cache,
      foods,
      store,
      onStop: kit.onStop,
    });
    return {
      config,
      db: kit.db,
      nc: kit.nc,
      cache: kit.cache,
      logger: kit.logger,
      foods,
      photos,
      planning: client
        ? createPlanningService(
            client,
            // One member's requests cannot spend the quota every member shares.
            createMemberQuota({
              cache: kit.cache,
              name: 'meal-plans',
              limit: config.MEAL_PLANS_PER_MEMBER_PER_DAY,
              windowS: 86_400,
              what: 'AI meal plans of the day',
            }),
          )
        : undefined,
    };
  },
  features: [
    foodsFeature,
    mealsFeature,
    daysFeature,
    targetsFeature,
    plansFeature,
    membersFeature,
    photosFeature,
  ],
});
