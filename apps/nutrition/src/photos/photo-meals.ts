import {
  NutritionErrors,
  MealPhotoErrors,
  type Meal,
  type MealEntry,
  type MealType,
  type StoredImage,
} from '@nxg/contracts';
import { activeTrace, AppError, enqueueEvent, forbidden, type Database, type Queryable } from '@nxg/platform';
import type { FoodIndex } from '@nxg/reference-data';
import type { Logger } from 'pino';
import { itemsFromEntries, totalsOf } from '../meals/meal-items.ts';
import { announceMeal, insertMeals, mealDeletedEvent, toMeal } from '../meals/meal-store.ts';
import { memberTimezone } from '../members/member-store.ts';
import { gateDetection, type ConfidenceBands, type FoodSuggestion } from './confidence-gate.ts';
import type { Analysis, DetectionAttempt, MealDetector } from './meal-detector.ts';
import { detectedEvent, mealItemOf, type PhotoOutcome } from './detected-meal.ts';
import { guessMealType } from './meal-type-guess.ts';
import {
  lockMeal,
  mealByPhotoKey,
  scheduleWork,
  finishWork,
  updateMeal,
  type DetectionRecord,
  type PhotoMealRow,
} from './photo-store.ts';

/** A clock a few minutes fast on the phone is not a meal in the future. */
const FUTURE_SLACK_MS = 5 * 60_000;

export interface PhotoMealOptions {
  db: Database;
  foods: FoodIndex;
  logger: Logger;
  /** Absent when no detection service is configured: photo meals wait for manual entry. */
  detector: MealDetector | undefined;
  bands: ConfidenceBands;
  /** How long an upload waits for detection before answering for manual entry. */
  waitMs: number;
  /** The retry job's first delay; later ones double. */
  retryBaseMs: number;
  /** How long a call may take (the client's timeout): a late answer lands within it. */
  callTimeoutMs: number;
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export interface PhotoMeals {
  create(userId: string, input: { photo: StoredImage; mealType?: MealType; eatenAt?: string }): Promise<Meal>;
  confirm(userId: string, mealId: string, entries: MealEntry[]): Promise<Meal>;
  /** Applies an analysis to a meal still waiting for one (retry job, or a detection that came late). */
  applyLate(mealId: string, attempt: Extract<DetectionAttempt, { ok: true }>): Promise<boolean>;
  /** Gives up detecting a meal: it stays for manual entry. */
  giveUp(mealId: string, reason: string): Promise<void>;
  /** Sends a confirmation's feedback now; the retry job sends it later if this fails. */
  sendFeedback(
    mealId: string,
    payload: { analysisId: string; imageHash: string; items: unknown[] },
  ): Promise<void>;
  /** Detections still running after their upload was answered (stop waits for them). */
  settle(): Promise<void>;
}

export function createPhotoMeals(options: PhotoMealOptions): PhotoMeals {
  const { db, foods, detector, bands, logger } = options;
  const suggest = (name: string): FoodSuggestion[] =>
    foods.search(name, { limit: 3 }).items.map((f) => ({ foodId: f.id, name: f.name }));
  const late = new Set<Promise<unknown>>();

  const gate = (analysis: Analysis) => {
    const gated = gateDetection(analysis.items, bands, suggest);
    return {
      status: gated.status,
      gated: gated.items,
      items: gated.items.map(mealItemOf),
    } satisfies PhotoOutcome;
  };

  /** Detection within the upload's wait; a detection still running after it goes on, and lands late. */
  const detectWithin = async (userId: string, photo: StoredImage) => {
    if (!detector) return { attempt: { ok: false, code: 'NOT_CONFIGURED', final: true } as DetectionAttempt };
    const running = detector.detect({ userId, photoKey: photo.key, imageHash: photo.hash });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>((resolve) => {
      timer = setTimeout(() => resolve('waited'), options.waitMs);
    });
    const first = await Promise.race([running, waited]).finally(() => clearTimeout(timer));
    if (first === 'waited')
      return {
        attempt: { ok: false, code: 'DETECTION_WAIT_EXCEEDED', final: false } as DetectionAttempt,
        running,
      };
    return { attempt: first };
  };

  const applyLate: PhotoMeals['applyLate'] = async (mealId, attempt) => {
    const applied = await db.transaction(async (tx) => {
      const row = await lockMeal(tx, mealId);
      if (!row || row.status !== 'manual_entry_needed' || row.detection?.pending !== true) {
        await finishWork(tx, mealId, 'detect');
        return false;
      }
      const outcome = gate(attempt.analysis);
      const saved = await updateMeal(tx, mealId, {
        status: outcome.status,
        items: outcome.items,
        totals: totalsOf(outcome.items),
        model: attempt.analysis.model.name,
        modelVersion: attempt.analysis.model.version,
        detection: {
          pending: false,
          attempts: (row.detection.attempts ?? 0) + 1,
          analysisId: attempt.analysis.analysisId,
          source: attempt.source,
          detected: attempt.analysis.items,
          analysedAt: new Date().toISOString(),
        },
      });
      await enqueueEvent(tx, detectedEvent(saved, outcome, attempt.analysis, attempt.source, true));
      if (outcome.status === 'detected') await announceMeal(tx, mealId);
      await finishWork(tx, mealId, 'detect');
      return true;
    });
    return applied;
  };

  const landLate = (mealId: string, running: Promise<DetectionAttempt>) => {
    const landing = running
      .then(async (attempt) => {
        if (attempt.ok) await applyLate(mealId, attempt);
      })
      .catch((error: unknown) => logger.warn({ err: error, mealId }, 'a late detection could not be applied'))
      .finally(() => late.delete(landing));
    late.add(landing);
  };

  const sendFeedback: PhotoMeals['sendFeedback'] = async (mealId, payload) => {
    if (!detector) return;
    await detector.sendFeedback({ ...payload, mealId });
    await finishWork(db, mealId, 'feedback');
  };

  return {
    async create(userId, input) {
      if (!input.photo.key.startsWith(`nutrition/meals/${userId}/`))
        throw forbidden('The photo is not yours');
      const existing = await mealByPhotoKey(db, input.photo.key);
      if (existing) {
        if (existing.user_id !== userId) throw forbidden('The photo is not yours');
        return toMeal(existing);
      }
      const eatenAt = input.eatenAt ? new Date(input.eatenAt) : new Date();
      if (eatenAt.getTime() > Date.now() + FUTURE_SLACK_MS)
        throw new AppError(400, NutritionErrors.MEAL_IN_FUTURE, 'eatenAt is in the future');
      const mealType = input.mealType ?? guessMealType(eatenAt, await memberTimezone(db, userId));

      const { attempt, running } = await detectWithin(userId, input.photo);
      const outcome = attempt.ok ? gate(attempt.analysis) : undefined;
      const detection: DetectionRecord = attempt.ok
        ? {
            pending: false,
            attempts: 1,
            analysisId: attempt.analysis.analysisId,
            source: attempt.source,
            detected: attempt.analysis.items,
            analysedAt: new Date().toISOString(),
          }
        : { pending: !attempt.final, reason: attempt.code, attempts: 1 };
      try {
        const meal = await db.transaction(async (tx) => {
          const [saved] = await insertMeals(tx, [
            {
              userId,
              mealType,
              eatenAt: eatenAt.toISOString(),
              status: outcome?.status ?? 'manual_entry_needed',
              source: 'photo',
              items: outcome?.items ?? [],
              model: attempt.ok ? attempt.analysis.model.name : null,
              modelVersion: attempt.ok ? attempt.analysis.model.version : null,
              photoKey: input.photo.key,
              imageHash: input.photo.hash,
              detection,
              // A photo meal counts once its items are known: now if all were recognised, else on confirmation.
              announce: outcome?.status === 'detected',
              trace: activeTrace(),
            },
          ]);
          const row = {
            user_id: userId,
            id: saved!.id,
            meal_type: saved!.mealType,
            local_date: saved!.localDate,
          };
          if (attempt.ok)
            await enqueueEvent(tx, detectedEvent(row, outcome!, attempt.analysis, attempt.source, false));
          else if (!attempt.final)
            await scheduleWork(tx, {
              mealId: saved!.id,
              userId,
              kind: 'detect',
              // Still running (answer later than the wait): the job looks again only once it must
              // have landed or timed out, so a slow service is not asked twice for one photo.
              dueAt: new Date(
                Date.now() +
                  Math.max(
                    options.retryBaseMs,
                    attempt.retryAfterMs ?? 0,
                    running ? options.callTimeoutMs + 1_000 : 0,
                  ),
              ),
            });
          return saved!;
        });
        if (running) landLate(meal.id, running);
        return meal;
      } catch (error) {
        // The same upload, repeated while the first was being stored: the first one's meal.
        if (!isUniqueViolation(error)) throw error;
        const first = await mealByPhotoKey(db, input.photo.key);
        if (!first) throw error;
        return toMeal(first);
      }
    },

    async confirm(userId, mealId, entries) {
      const items = itemsFromEntries(foods, entries);
      let feedback: { analysisId: string; imageHash: string; items: unknown[] } | undefined;
      const meal = await db.transaction(async (tx: Queryable) => {
        const row = await lockMeal(tx, mealId, userId);
        if (!row) throw new AppError(404, NutritionErrors.MEAL_NOT_FOUND, 'No meal of yours has this id');
        if (row.source !== 'photo')
          throw new AppError(409, MealPhotoErrors.MEAL_NOT_FROM_PHOTO, 'Only a photo meal can be confirmed');
        // Announced before (all items recognised, or confirmed once already): its figures are replaced.
        const announced = row.status === 'detected' || row.status === 'logged';
        const confirmedAt = new Date().toISOString();
        const saved: PhotoMealRow = await updateMeal(tx, mealId, {
          status: 'logged',
          items,
          totals: totalsOf(items),
          detection: {
            ...(row.detection ?? {}),
            pending: false,
            confirmation: { at: confirmedAt, items: entries },
          },
        });
        if (announced) await enqueueEvent(tx, mealDeletedEvent(row, confirmedAt));
        await announceMeal(tx, mealId);
        // Entered by the member now: no analysis is owed any more.
        await finishWork(tx, mealId, 'detect');
        if (row.detection?.analysisId && row.image_hash) {
          feedback = { analysisId: row.detection.analysisId, imageHash: row.image_hash, items };
          await scheduleWork(tx, {
            mealId,
            userId,
            kind: 'feedback',
            dueAt: new Date(Date.now() + options.retryBaseMs),
            payload: feedback,
          });
        }
        return toMeal(saved);
      });
      if (feedback && detector) {
        const payload = feedback;
        const sending = sendFeedback(mealId, payload)
          .catch((error: unknown) =>
            logger.info({ err: error, mealId }, 'feedback not taken now; the retry job will send it'),
          )
          .finally(() => late.delete(sending));
        late.add(sending);
      }
      return meal;
    },

    applyLate,

    async giveUp(mealId, reason) {
      await db.transaction(async (tx) => {
        const row = await lockMeal(tx, mealId);
        if (row?.detection?.pending)
          await updateMeal(tx, mealId, {
            status: row.status,
            items: row.items,
            totals: {
              kcal: row.kcal,
              proteinG: row.protein_g,
              carbsG: row.carbs_g,
              fatG: row.fat_g,
              fibreG: row.fibre_g,
            },
            detection: { ...row.detection, pending: false, reason },
          });
        await finishWork(tx, mealId, 'detect');
      });
    },

    sendFeedback,

    async settle() {
      await Promise.allSettled([...late]);
    },
  };
}
