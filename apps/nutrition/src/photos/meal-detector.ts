import { cacheKeyOf, isExternalError, type ExternalClient, type MemberQuota } from '@nxg/external';
import { AppError, ObjectStoreUnavailableError, type ObjectStore } from '@nxg/platform';
import Type, { type Static } from 'typebox';
import type { DetectedItem } from './confidence-gate.ts';

const Nutrient = Type.Number({ minimum: 0, maximum: 20_000 });

/** The detection service's answer, as much of it as we use: checked, so garbage is an error, not a meal. */
export const AnalysisResponse = Type.Object({
  analysisId: Type.String({ minLength: 1, maxLength: 200 }),
  model: Type.Object({
    name: Type.String({ minLength: 1, maxLength: 100 }),
    version: Type.String({ minLength: 1, maxLength: 100 }),
  }),
  items: Type.Array(
    Type.Object({
      name: Type.String({ minLength: 1, maxLength: 200 }),
      grams: Type.Number({ minimum: 0, maximum: 5_000 }),
      confidence: Type.Number({ minimum: 0, maximum: 1 }),
      kcal: Nutrient,
      proteinG: Nutrient,
      carbsG: Nutrient,
      fatG: Nutrient,
      alternatives: Type.Optional(
        Type.Array(
          Type.Object({
            name: Type.String({ minLength: 1, maxLength: 200 }),
            confidence: Type.Number({ minimum: 0, maximum: 1 }),
          }),
          { maxItems: 10 },
        ),
      ),
    }),
    { maxItems: 40 },
  ),
});
export type Analysis = Static<typeof AnalysisResponse>;

export type DetectionAttempt =
  | { ok: true; analysis: Analysis & { items: DetectedItem[] }; source: 'ai' | 'cache' }
  /** Not now: `code` says why (service down, breaker open, quota…); `final` when trying again cannot help. */
  | { ok: false; code: string; final: boolean; retryAfterMs?: number };

export interface MealDetector {
  detect(input: {
    userId: string;
    photoKey: string;
    imageHash: string;
    signal?: AbortSignal;
  }): Promise<DetectionAttempt>;
  /** Sends the member's confirmed items as feedback; throws when the service did not take it. */
  sendFeedback(input: {
    analysisId: string;
    imageHash: string;
    mealId: string;
    items: unknown[];
  }): Promise<void>;
}

/** The largest stored photo sent for analysis (the gateway stores at most 2048 px JPEGs, far smaller). */
const MAX_PHOTO_BYTES = 12 * 1024 * 1024;

/** Failures where asking again later is pointless: the service refused this very image. */
const finalCodes = new Set(['EXTERNAL_REQUEST_REJECTED']);

/**
 * Meal photos analysed by the meal detection service (seed: POST /analyze/image, bearer token,
 * 500/h shared by every replica through the kit's quota). Answers are cached by image hash, so the
 * same photo is analysed once; a call that will really go out first takes one from the member's
 * allowance. Nothing here throws for the service's troubles: they come back as `ok: false` for
 * the caller to store the meal for manual entry and retry later.
 */
export function createMealDetector(options: {
  client: ExternalClient;
  store: ObjectStore;
  perMember: MemberQuota;
  /** How long an answer is kept by image hash. */
  cacheTtlS?: number;
}): MealDetector {
  const { client, store, perMember } = options;

  const readPhoto = async (key: string) => {
    const { info, body } = await store.get(key);
    if (info.size > MAX_PHOTO_BYTES) {
      body.destroy();
      throw new Error(
        `photo ${key} is ${info.size} bytes, more than the ${MAX_PHOTO_BYTES} sent for analysis`,
      );
    }
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };

  return {
    async detect({ userId, photoKey, imageHash, signal }) {
      try {
        const image = await readPhoto(photoKey);
        const result = await client.request({
          method: 'POST',
          path: '/analyze/image',
          body: { image: image.toString('base64'), imageHash, contentType: 'image/jpeg' },
          schema: AnalysisResponse,
          // Analysing is safe to repeat: the same image gives the same answer.
          idempotent: true,
          cacheKey: cacheKeyOf('meal-analysis', imageHash),
          cacheTtlS: options.cacheTtlS ?? 30 * 86_400,
          operation: 'analyze.image',
          beforeNetwork: () => perMember.take(userId),
          ...(signal ? { signal } : {}),
        });
        return { ok: true, analysis: result.data, source: result.source === 'cache' ? 'cache' : 'ai' };
      } catch (error) {
        if (isExternalError(error))
          return {
            ok: false,
            code: error.code,
            final: finalCodes.has(error.code),
            ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}),
          };
        // The photo cannot be read now: the meal waits for the retry job like any other outage.
        if (error instanceof ObjectStoreUnavailableError)
          return { ok: false, code: 'PHOTO_STORE_UNAVAILABLE', final: false };
        if (error instanceof AppError && error.status === 429)
          return { ok: false, code: error.code, final: false, retryAfterMs: 60_000 };
        if ((error as Error).name === 'AbortError' || signal?.aborted)
          return { ok: false, code: 'DETECTION_WAIT_EXCEEDED', final: false };
        throw error;
      }
    },

    async sendFeedback({ analysisId, imageHash, mealId, items }) {
      await client.request({
        method: 'POST',
        path: '/correction/feedback',
        body: { analysisId, imageHash, mealId, items },
        // The service keys feedback by analysis and meal: sending it twice records it once.
        idempotent: true,
        operation: 'correction.feedback',
      });
    },
  };
}
