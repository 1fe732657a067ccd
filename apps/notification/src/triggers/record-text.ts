import type { analyticsEvents } from '@nxg/contracts';
import type { Static } from 'typebox';

type RecordSet = Static<typeof analyticsEvents.recordSet.data>;

const kg = (n: number) => `${Number(n.toFixed(1))} kg`;

/** One line on what the member beat, as they would say it. */
export function recordBody(r: RecordSet): string {
  switch (r.kind) {
    case 'heaviest':
      return r.previous === null
        ? `Your first record: ${kg(r.value)}.`
        : `You lifted ${kg(r.value)}, up from ${kg(r.previous)}.`;
    case 'estimated_1rm':
      return `Your estimated one-rep max is now ${kg(r.value)}.`;
    case 'most_reps':
      return r.weightKg === null
        ? `${r.value} reps, your most yet.`
        : `${r.value} reps at ${kg(r.weightKg)}, your most yet.`;
    case 'longest_distance':
      return `${Number((r.value / 1000).toFixed(2))} km, your longest workout yet.`;
    case 'fastest_speed':
      return `${Number(r.value.toFixed(1))} km/h on average, your fastest yet.`;
  }
}
