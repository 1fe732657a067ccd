/** One item as the detection service reported it. */
export interface DetectedItem {
  name: string;
  grams: number;
  confidence: number;
  kcal: number;
  proteinG: number;
  carbsG: number;
  fatG: number;
  alternatives?: { name: string; confidence: number }[];
}

/** A reference food offered to the member in place of an item the service could not name. */
export interface FoodSuggestion {
  foodId: string;
  name: string;
}

export type ItemVerdict = 'accepted' | 'needs_confirmation' | 'manual_entry_needed';
export type PhotoMealStatus = 'detected' | 'needs_confirmation' | 'manual_entry_needed';

export interface GatedItem extends DetectedItem {
  verdict: ItemVerdict;
  /** Below the confirmation band: foods from the reference data to pick from instead. */
  suggestions?: FoodSuggestion[];
}

export interface ConfidenceBands {
  /** At or above: taken as detected. */
  accept: number;
  /** At or above (and below `accept`): the member is asked to confirm, with the alternatives. */
  confirm: number;
}

export const defaultBands: ConfidenceBands = { accept: 0.85, confirm: 0.5 };

/**
 * Sorts each detected item into accepted, to confirm, or to enter by hand, and the meal into the
 * least certain of its items' states (a meal with nothing detected needs manual entry). Items to
 * enter by hand get food-search suggestions from the reference data.
 */
export function gateDetection(
  items: readonly DetectedItem[],
  bands: ConfidenceBands,
  suggest: (name: string) => FoodSuggestion[],
): { status: PhotoMealStatus; items: GatedItem[] } {
  const gated = items.map((item): GatedItem => {
    if (item.confidence >= bands.accept) return { ...item, verdict: 'accepted' };
    if (item.confidence >= bands.confirm) return { ...item, verdict: 'needs_confirmation' };
    return { ...item, verdict: 'manual_entry_needed', suggestions: suggest(item.name) };
  });
  const status: PhotoMealStatus =
    gated.length === 0 || gated.some((i) => i.verdict === 'manual_entry_needed')
      ? 'manual_entry_needed'
      : gated.some((i) => i.verdict === 'needs_confirmation')
        ? 'needs_confirmation'
        : 'detected';
  return { status, items: gated };
}
