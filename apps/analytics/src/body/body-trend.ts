import type { BodyComposition, BodyTrendDay } from '@nxg/contracts';

type Figure = 'weightKg' | 'bodyFatPercentage' | 'skeletalMuscleMassKg';
const FIGURES: Figure[] = ['weightKg', 'bodyFatPercentage', 'skeletalMuscleMassKg'];

/**
 * The trend of a period from measurements (oldest first) and the local day of each: per day the
 * last figure of each kind measured that day, and the change from the period's first to its last.
 */
export function bodyTrendOf(
  measurements: BodyComposition[],
  dayOf: (measurement: BodyComposition) => string,
): { days: BodyTrendDay[]; change: Record<Figure, number | null> } {
  const byDay = new Map<string, BodyTrendDay>();
  for (const m of measurements) {
    const date = dayOf(m);
    const day = byDay.get(date) ?? {
      date,
      weightKg: null,
      bodyFatPercentage: null,
      skeletalMuscleMassKg: null,
    };
    for (const figure of FIGURES) if (m[figure] !== undefined) day[figure] = m[figure]!;
    byDay.set(date, day);
  }
  const days = [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date));
  const change = Object.fromEntries(
    FIGURES.map((figure) => {
      const values = days.map((d) => d[figure]).filter((v): v is number => v !== null);
      return [figure, values.length < 2 ? null : Math.round((values.at(-1)! - values[0]!) * 10) / 10];
    }),
  ) as Record<Figure, number | null>;
  return { days, change };
}
