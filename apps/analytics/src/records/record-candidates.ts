import type { RecordKind } from '@nxg/contracts';

export interface RecordCandidate {
  kind: RecordKind;
  /** most_reps is kept per weight; the other kinds at 0. */
  weightKey: number;
  value: number;
}

/** Estimated one-repetition maximum by Epley's formula (a single rep is its own maximum). */
export const epley = (weightKg: number, reps: number): number =>
  reps === 1 ? weightKg : Math.round(weightKg * (1 + reps / 30) * 10) / 10;

/**
 * What a logged set could be a record of: its weight and estimated 1RM when it lifted something,
 * its repetitions at its weight (bodyweight counts as 0 kg) when it counted repetitions.
 */
export function recordCandidates(set: { reps: number | null; weightKg: number | null }): RecordCandidate[] {
  const { reps, weightKg } = set;
  if (reps == null || reps < 1) return [];
  const candidates: RecordCandidate[] = [{ kind: 'most_reps', weightKey: weightKg ?? 0, value: reps }];
  if (weightKg != null && weightKg > 0) {
    candidates.push({ kind: 'heaviest', weightKey: 0, value: weightKg });
    candidates.push({ kind: 'estimated_1rm', weightKey: 0, value: epley(weightKg, reps) });
  }
  return candidates;
}

/** A cardio workout counts for the fastest average speed from this distance on (a track lap). */
export const FASTEST_MIN_DISTANCE_M = 400;

/** Readable names of the cardio activities the MET table tells apart, by Compendium code. */
const cardioActivities: Record<string, string> = {
  '12150': 'Treadmill run',
  '02010': 'Stationary bike',
  '02070': 'Rowing machine',
  '02048': 'Elliptical',
  '02065': 'Stair climber',
  '02080': 'Ski machine',
};

/** The activity a machine's workout is recorded under: its kind by name, else the machine's name. */
export const cardioActivityOf = (machineName: string, metCode: string) =>
  cardioActivities[metCode] ?? machineName;

/**
 * What a machine workout could be a record of: its distance, and its average speed (km/h, one
 * decimal) when it covered at least FASTEST_MIN_DISTANCE_M.
 */
export function cardioCandidates(workout: {
  distanceM: number | null;
  durationS: number;
}): RecordCandidate[] {
  const { distanceM, durationS } = workout;
  if (distanceM == null || distanceM <= 0) return [];
  const candidates: RecordCandidate[] = [{ kind: 'longest_distance', weightKey: 0, value: distanceM }];
  if (distanceM >= FASTEST_MIN_DISTANCE_M && durationS > 0) {
    candidates.push({
      kind: 'fastest_speed',
      weightKey: 0,
      value: Math.round((distanceM / durationS) * 3.6 * 10) / 10,
    });
  }
  return candidates;
}
