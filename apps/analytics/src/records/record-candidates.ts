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
