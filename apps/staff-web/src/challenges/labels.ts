import type { Challenge } from '../api/types.ts';

/** What a challenge ranks its entrants by, as staff read it. */
export const metricLabel: Record<Challenge['metric'], string> = {
  points: 'Points',
  sessions: 'Gym sessions',
  volume: 'Volume lifted (kg)',
  minutes: 'Active minutes',
};
