import { nutritionPhotoEvents, type MealItem, type MealType } from '@nxg/contracts';
import { totalsOf } from '../meals/meal-items.ts';
import type { FoodSuggestion, GatedItem, PhotoMealStatus } from './confidence-gate.ts';
import type { Analysis } from './meal-detector.ts';

/** A photo's detection as the meal will hold it: its state, the gated items, the meal items. */
export interface PhotoOutcome {
  status: PhotoMealStatus;
  gated: GatedItem[];
  items: MealItem[];
}

/** A detected item as a meal item: its confidence, and the alternatives or food suggestions to pick from. */
export function mealItemOf(item: GatedItem): MealItem {
  const alternatives =
    item.verdict === 'manual_entry_needed'
      ? item.suggestions?.map((s: FoodSuggestion) => ({ name: s.name, foodId: s.foodId }))
      : item.alternatives;
  return {
    name: item.name,
    grams: item.grams,
    kcal: item.kcal,
    proteinG: item.proteinG,
    carbsG: item.carbsG,
    fatG: item.fatG,
    confidence: item.confidence,
    verdict: item.verdict,
    ...(alternatives?.length ? { alternatives } : {}),
  };
}

/** `nutrition.meal.detected`: the outcome for the member and the figures for analytics. */
export function detectedEvent(
  row: { user_id: string; id: string; meal_type: MealType; local_date: string },
  outcome: PhotoOutcome,
  analysis: Analysis,
  source: 'ai' | 'cache',
  isLate: boolean,
) {
  const totals = totalsOf(outcome.items);
  const count = (verdict: GatedItem['verdict']) => outcome.gated.filter((i) => i.verdict === verdict).length;
  return {
    event: nutritionPhotoEvents.mealDetected,
    subject: row.user_id,
    data: {
      userId: row.user_id,
      mealId: row.id,
      mealType: row.meal_type,
      localDate: row.local_date,
      status: outcome.status,
      source,
      model: analysis.model.name,
      modelVersion: analysis.model.version,
      itemCount: outcome.gated.length,
      acceptedCount: count('accepted'),
      toConfirmCount: count('needs_confirmation'),
      manualCount: count('manual_entry_needed'),
      minConfidence: outcome.gated.reduce((min, i) => Math.min(min, i.confidence), 1),
      kcal: totals.kcal,
      proteinG: totals.proteinG,
      carbsG: totals.carbsG,
      fatG: totals.fatG,
      late: isLate,
      at: new Date().toISOString(),
    },
  };
}
