import { bearer, createExternalClient, createMemberQuota } from '@nxg/external';
import type { Cache, Database, ObjectStore } from '@nxg/platform';
import type { FoodIndex } from '@nxg/reference-data';
import type { Logger } from 'pino';
import type { Static, TObject } from 'typebox';
import { createMealDetector, type MealDetector } from './meal-detector.ts';
import type { PhotoConfig } from './photo-config.ts';
import { createPhotoMeals, type PhotoMeals } from './photo-meals.ts';

type Config = Static<TObject<typeof PhotoConfig>> & { STORAGE_URL_TTL_S: number };

/** What the photo feature works with. */
export interface PhotoDeps {
  store: ObjectStore;
  detector: MealDetector | undefined;
  meals: PhotoMeals;
  config: Config;
}

/**
 * The meal detection client through the external-service kit (bearer token, 500/h shared by every
 * replica, answers cached by image hash, a per-member allowance) and the photo meals built on it.
 * The client makes no retries of its own: an upload never waits for them, and the retry job is the
 * one that tries again, with backoff, without the member waiting.
 */
export function createPhotoDeps(kit: {
  config: Config;
  db: Database;
  cache: Cache;
  logger: Logger;
  foods: FoodIndex;
  store: ObjectStore;
  onStop(stop: () => unknown): void;
}): PhotoDeps {
  const { config } = kit;
  const client = config.MEAL_AI_URL
    ? createExternalClient({
        name: 'meal-detection',
        baseUrl: config.MEAL_AI_URL,
        kind: 'ai',
        timeoutMs: config.MEAL_AI_TIMEOUT_MS,
        auth: bearer(config.MEAL_AI_TOKEN ?? ''),
        quota: { limit: config.MEAL_AI_QUOTA_PER_HOUR, windowS: 3600 },
        retry: { maxRetries: 0 },
        cache: kit.cache,
        logger: kit.logger,
      })
    : undefined;
  const detector = client
    ? createMealDetector({
        client,
        store: kit.store,
        perMember: createMemberQuota({
          cache: kit.cache,
          name: 'meal-detections',
          limit: config.MEAL_DETECTIONS_PER_MEMBER_PER_DAY,
          windowS: 86_400,
          what: 'meal photo analyses of the day',
        }),
      })
    : undefined;
  const meals = createPhotoMeals({
    db: kit.db,
    foods: kit.foods,
    logger: kit.logger,
    detector,
    bands: { accept: config.MEAL_ACCEPT_CONFIDENCE, confirm: config.MEAL_CONFIRM_CONFIDENCE },
    waitMs: config.MEAL_DETECTION_WAIT_MS,
    retryBaseMs: config.MEAL_DETECTION_RETRY_INTERVAL_MS,
    callTimeoutMs: config.MEAL_AI_TIMEOUT_MS,
  });
  // Late detections first (they may still write), then the client they use.
  kit.onStop(async () => {
    await meals.settle();
    await client?.close();
  });
  return { store: kit.store, detector, meals, config };
}
