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

/** A record as kept: the set (or link) that made it, and its kind, weight and value. */
export interface RecordRow extends SetFacts {
  kind: RecordCandidate['kind'];
  weightKey: number;
  value: number;
}

/** The key a record is kept under: member, exercise, kind and weight. */
export const recordKey = (r: Pick<RecordRow, 'userId' | 'exerciseName' | 'kind' | 'weightKey'>) =>
  `${r.userId}\u0000${r.exerciseName}\u0000${r.kind}\u0000${r.weightKey}`;

/** The current record values of some members' exercises, by recordKey: one statement. */
export async function recordValuesOf(
  tx: Queryable,
  exercises: ReadonlyArray<{ userId: string; exerciseName: string }>,
): Promise<Map<string, number>> {
  const rows = await tx.query<{
    user_id: string;
    exercise_name: string;
    kind: RecordRow['kind'];
    weight_key: number;
    value: number;
  }>(
    `SELECT r.user_id, r.exercise_name, r.kind, r.weight_key, r.value FROM personal_records r
     JOIN (SELECT DISTINCT * FROM unnest($1::text[], $2::text[]) AS e(user_id, exercise_name)) AS e
       USING (user_id, exercise_name)`,
    [exercises.map((e) => e.userId), exercises.map((e) => e.exerciseName)],
  );
  return new Map(
    rows.map((r) => [
      recordKey({
        userId: r.user_id,
        exerciseName: r.exercise_name,
        kind: r.kind,
        weightKey: Number(r.weight_key),
      }),
      Number(r.value),
    ]),
  );
}

/** Writes records that were beaten (or set for the first time), one row per key: one statement. */
export async function saveRecords(tx: Queryable, records: readonly RecordRow[]): Promise<void> {
  if (records.length === 0) return;
  const column = <T>(value: (r: RecordRow) => T) => records.map(value);
  await tx.send(
    `INSERT INTO personal_records (user_id, exercise_name, kind, weight_key, value, weight_kg, reps, log_id, achieved_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::float8[], $5::float8[], $6::float8[], $7::int[],
       $8::text[], $9::timestamptz[])
     ON CONFLICT (user_id, exercise_name, kind, weight_key) DO UPDATE SET value = EXCLUDED.value,
       weight_kg = EXCLUDED.weight_kg, reps = EXCLUDED.reps, log_id = EXCLUDED.log_id, achieved_at = EXCLUDED.achieved_at`,
    [
      column((r) => r.userId),
      column((r) => r.exerciseName),
      column((r) => r.kind),
      column((r) => r.weightKey),
      column((r) => r.value),
      column((r) => r.weightKg),
      column((r) => r.reps),
      column((r) => r.logId),
      column((r) => r.at),
    ],
  );
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
