import { ObjectNotFoundError, type Database, type Job, type ObjectStore } from '@nxg/platform';
import type { Logger } from 'pino';
import type { MealDetector } from './meal-detector.ts';
import type { PhotoMeals } from './photo-meals.ts';
import {
  claimDueWork,
  finishWork,
  mealByPhotoKey,
  photoDeleted,
  queuedPhotoDeletions,
  rescheduleWork,
  type WorkRow,
} from './photo-store.ts';

/** Doubles from `baseMs` with each attempt, at most ten minutes, with up to 20 % jitter so replicas spread out. */
export const retryDelay = (baseMs: number, attempts: number) =>
  Math.min(600_000, baseMs * 2 ** Math.max(0, attempts - 1)) * (1 + Math.random() * 0.2);

/**
 * Detection owed to photo meals stored while the service was down (or slow, or its breaker open),
 * and feedback owed to it: due rows are leased, tried, and rescheduled with backoff or finished;
 * after `maxAttempts` a detection is given up (the meal stays for manual entry) and feedback dropped.
 */
export function photoRetryJob(options: {
  db: Database;
  meals: PhotoMeals;
  detector: MealDetector;
  logger: Logger;
  everyMs: number;
  maxAttempts: number;
  /** Longer than one detection can take (the client's timeout), so a lease outlives its work. */
  leaseMs: number;
}): Job {
  const { db, meals, detector, logger } = options;

  const detect = async (work: WorkRow) => {
    const [meal] = await db.query<{ photo_key: string | null; image_hash: string | null }>(
      'SELECT photo_key, image_hash FROM meals WHERE id = $1',
      [work.meal_id],
    );
    if (!meal?.photo_key || !meal.image_hash) return finishWork(db, work.meal_id, 'detect');
    let attempt;
    try {
      attempt = await detector.detect({
        userId: work.user_id,
        photoKey: meal.photo_key,
        imageHash: meal.image_hash,
      });
    } catch (error) {
      if (error instanceof ObjectNotFoundError) return meals.giveUp(work.meal_id, 'PHOTO_MISSING');
      throw error;
    }
    if (attempt.ok) {
      await meals.applyLate(work.meal_id, attempt);
      return;
    }
    if (attempt.final || work.attempts >= options.maxAttempts) {
      logger.warn(
        { mealId: work.meal_id, code: attempt.code, attempts: work.attempts },
        'meal detection given up: left for manual entry',
      );
      return meals.giveUp(work.meal_id, attempt.code);
    }
    const delay = Math.max(retryDelay(options.everyMs, work.attempts), attempt.retryAfterMs ?? 0);
    await rescheduleWork(db, work, new Date(Date.now() + delay), attempt.code);
  };

  const feedback = async (work: WorkRow) => {
    // A meal deleted since (or its account erased): nothing of it is sent any more.
    const [meal] = await db.query('SELECT 1 FROM meals WHERE id = $1', [work.meal_id]);
    if (!meal || !work.payload) return finishWork(db, work.meal_id, 'feedback');
    try {
      await meals.sendFeedback(work.meal_id, work.payload);
    } catch (error) {
      if (work.attempts >= options.maxAttempts) {
        logger.warn(
          { err: error, mealId: work.meal_id },
          'detection feedback dropped after its last attempt',
        );
        return finishWork(db, work.meal_id, 'feedback');
      }
      await rescheduleWork(
        db,
        work,
        new Date(Date.now() + retryDelay(options.everyMs, work.attempts)),
        (error as Error).message,
      );
    }
  };

  return {
    name: 'photo-detection-retry',
    everyMs: options.everyMs,
    async run() {
      for (const work of await claimDueWork(db, 20, options.leaseMs)) {
        try {
          await (work.kind === 'detect' ? detect(work) : feedback(work));
        } catch (error) {
          logger.error(
            { err: error, mealId: work.meal_id, kind: work.kind },
            'photo work failed; it will be tried again',
          );
        }
      }
    },
  };
}

/** Removes from object storage the photos whose meal is gone (deleted, or the account erased). */
export function photoDeletionJob(options: {
  db: Database;
  store: ObjectStore;
  logger: Logger;
  everyMs: number;
}): Job {
  const { db, store, logger } = options;
  return {
    name: 'photo-deletion',
    everyMs: options.everyMs,
    async run() {
      for (const key of await queuedPhotoDeletions(db, 100)) {
        try {
          // A meal for this photo again (the same upload repeated): keep it.
          if (!(await mealByPhotoKey(db, key))) await store.delete(key);
          await photoDeleted(db, key);
        } catch (error) {
          logger.warn({ err: error, key }, 'a photo could not be removed yet; trying again later');
        }
      }
    },
  };
}
