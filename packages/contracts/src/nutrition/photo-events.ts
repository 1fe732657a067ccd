import Type from 'typebox';
import { defineEvent } from '../event.ts';
import { MealType, NutritionDate } from './schemas.ts';

export const mealDetected = defineEvent({
  type: 'nutrition.meal.detected',
  stream: 'NUTRITION',
  dataVersion: 1,
  description:
    'A meal photo was analysed (at upload, or later by the retry job when the detection service was down): the outcome for the member (`status`: detected, needs_confirmation or manual_entry_needed, so notification can ask for a confirmation), the model that produced it and its figures for analytics.',
  data: Type.Object({
    userId: Type.String(),
    mealId: Type.String(),
    mealType: MealType,
    localDate: NutritionDate,
    status: Type.Union([
      Type.Literal('detected'),
      Type.Literal('needs_confirmation'),
      Type.Literal('manual_entry_needed'),
    ]),
    /** `ai`: analysed now; `cache`: the same photo was analysed before. */
    source: Type.Union([Type.Literal('ai'), Type.Literal('cache')]),
    model: Type.String(),
    modelVersion: Type.String(),
    itemCount: Type.Integer(),
    acceptedCount: Type.Integer(),
    toConfirmCount: Type.Integer(),
    manualCount: Type.Integer(),
    /** The lowest item confidence (1 when nothing was detected). */
    minConfidence: Type.Number(),
    kcal: Type.Number(),
    proteinG: Type.Number(),
    carbsG: Type.Number(),
    fatG: Type.Number(),
    /** Detected after the upload was answered (the service was down or slow then). */
    late: Type.Boolean(),
    at: Type.String({ format: 'date-time' }),
  }),
});

export const all = [mealDetected];
