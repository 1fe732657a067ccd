import type { BodyComposition } from '@nxg/contracts';

/** The body-composition figures a scan yields (health data: sealed at rest, never on an event). */
export type Figures = Omit<BodyComposition, 'id' | 'measuredAt' | 'source'>;

/** What a human body can measure: the ranges `PUT /v1/me/body-composition` accepts (contracts' BodyMetrics). */
export const plausibleRanges: Record<keyof Figures, [number, number]> = {
  weightKg: [20, 400],
  bodyFatPercentage: [1, 80],
  skeletalMuscleMassKg: [5, 150],
  basalMetabolicRateKcal: [500, 5000],
  visceralFatLevel: [1, 60],
  bodyWaterPercentage: [20, 80],
};
