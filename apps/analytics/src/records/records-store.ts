import type { PersonalRecord } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import type { RecordCandidate } from './record-candidates.ts';

export interface SetFacts {
  userId: string;
  exerciseName: string;
  reps: number | null;
  weightKg: number | null;
  logId: string;
  at: string;
}

/**
 * Keeps the candidate if it beats the member's record (or there is none yet) and answers the
 * record it beat: `{ previous: null }` for a first one, undefined when it beat nothing. The
 * caller holds the member's lock, so reading then writing is safe. An equal value is no record:
 * a redelivered set changes nothing.
 */
export async function keepIfRecord(
  tx: Queryable,
  set: SetFacts,
  candidate: RecordCandidate,
): Promise<{ previous: number | null } | undefined> {
  const key = [set.userId, set.exerciseName, candidate.kind, candidate.weightKey];
  const [current] = await tx.query<{ value: number }>(
    `SELECT value FROM personal_records WHERE user_id = $1 AND exercise_name = $2 AND kind = $3 AND weight_key = $4`,
    key,
  );
  if (current && current.value >= candidate.value) return undefined;
  await tx.query(
    `INSERT INTO personal_records (user_id, exercise_name, kind, weight_key, value, weight_kg, reps, log_id, achieved_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (user_id, exercise_name, kind, weight_key) DO UPDATE SET value = EXCLUDED.value,
       weight_kg = EXCLUDED.weight_kg, reps = EXCLUDED.reps, log_id = EXCLUDED.log_id, achieved_at = EXCLUDED.achieved_at`,
    [...key, candidate.value, set.weightKg, set.reps, set.logId, set.at],
  );
  return { previous: current ? Number(current.value) : null };
}

export async function recordsOf(db: Queryable, userId: string): Promise<PersonalRecord[]> {
  const rows = await db.query<{
    exercise_name: string;
    kind: PersonalRecord['kind'];
    value: number;
    weight_kg: number | null;
    reps: number | null;
    log_id: string;
    achieved_at: Date;
  }>(
    `SELECT * FROM personal_records WHERE user_id = $1
     ORDER BY exercise_name,
       CASE kind WHEN 'heaviest' THEN 0 WHEN 'estimated_1rm' THEN 1 WHEN 'most_reps' THEN 2
         WHEN 'longest_distance' THEN 3 ELSE 4 END, weight_key DESC`,
    [userId],
  );
  return rows.map((r) => ({
    exerciseName: r.exercise_name,
    kind: r.kind,
    value: Number(r.value),
    weightKg: r.weight_kg,
    reps: r.reps,
    logId: r.log_id,
    achievedAt: new Date(r.achieved_at).toISOString(),
  }));
}
