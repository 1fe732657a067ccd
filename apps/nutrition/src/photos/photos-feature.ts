import { defineFeature, type Database } from '@nxg/platform';
import type { Logger } from 'pino';
import { photoBindings } from './photo-handlers.ts';
import type { PhotoDeps } from './photo-context.ts';
import { photoDeletionJob, photoRetryJob } from './photo-jobs.ts';

interface Deps {
  db: Database;
  logger: Logger;
  photos: PhotoDeps;
}

/**
 * Meal photos: meals logged from photos the gateway stored (detection gated by confidence,
 * retried later when the service is down), confirmations forwarded as feedback, short-lived photo
 * URLs, and removal of the photos of deleted meals and erased accounts.
 */
export const photosFeature = defineFeature<Deps>({
  name: 'photos',
  operations: ({ db, photos }) =>
    photoBindings({ db, store: photos.store, meals: photos.meals, urlTtlS: photos.config.STORAGE_URL_TTL_S }),
  jobs: ({ db, logger, photos }) => [
    ...(photos.detector
      ? [
          photoRetryJob({
            db,
            meals: photos.meals,
            detector: photos.detector,
            logger,
            everyMs: photos.config.MEAL_DETECTION_RETRY_INTERVAL_MS,
            maxAttempts: photos.config.MEAL_DETECTION_MAX_ATTEMPTS,
            leaseMs: photos.config.MEAL_AI_TIMEOUT_MS + 30_000,
          }),
        ]
      : []),
    photoDeletionJob({ db, store: photos.store, logger, everyMs: 2_000 }),
  ],
});
