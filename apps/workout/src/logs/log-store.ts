import { workoutEvents, type WorkoutLog } from '@nxg/contracts';
import { enqueueEvent, type Queryable } from '@nxg/platform';
import { v7 as uuidv7 } from 'uuid';
import { touchSession } from '../sessions/session-store.ts';

interface LogRow {
  id: string;
  exercise_id: string | null;
  exercise_name: string;
  reps: number | null;
  weight_kg: number | null;
  duration_s: number | null;
  source: WorkoutLog['source'];
  machine_id: string | null;
  session_id: string | null;
  performed_at: Date;
  [key: string]: unknown;
}

export const toLog = (r: LogRow): WorkoutLog => ({
  id: r.id,
  exerciseId: r.exercise_id,
  exerciseName: r.exercise_name,
  reps: r.reps,
  weightKg: r.weight_kg,
  durationS: r.duration_s,
  source: r.source,
  machineId: r.machine_id,
  sessionId: r.session_id,
  performedAt: new Date(r.performed_at).toISOString(),
});

export interface NewLog {
  userId: string;
  exerciseId: string | null;
  exerciseName: string;
  reps?: number | undefined;
  weightKg?: number | undefined;
  durationS?: number | undefined;
  source: WorkoutLog['source'];
  machineId?: string;
  frameId?: string;
  performedAt: string;
}

/**
 * Logs a set and announces it, in the caller's transaction. A set from a machine frame already
 * logged (JetStream redelivers) is not logged again: resolves undefined.
 */
export async function insertLog(tx: Queryable, log: NewLog): Promise<WorkoutLog | undefined> {
  const sessionId = await touchSession(tx, log.userId, log.machineId);
  const [row] = await tx.query<LogRow>(
    `INSERT INTO workout_logs (id, user_id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, machine_id, frame_id, session_id, performed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (machine_id, frame_id) WHERE frame_id IS NOT NULL DO NOTHING RETURNING *`,
    [
      uuidv7(),
      log.userId,
      log.exerciseId,
      log.exerciseName,
      log.reps ?? null,
      log.weightKg ?? null,
      log.durationS ?? null,
      log.source,
      log.machineId ?? null,
      log.frameId ?? null,
      sessionId ?? null,
      log.performedAt,
    ],
  );
  if (!row) return undefined;
  const saved = toLog(row);
  await enqueueEvent(tx, {
    event: workoutEvents.exerciseLogged,
    subject: log.userId,
    data: {
      userId: log.userId,
      logId: saved.id,
      exerciseName: saved.exerciseName,
      reps: saved.reps,
      weightKg: saved.weightKg,
      durationS: saved.durationS,
      source: saved.source,
      sessionId: saved.sessionId,
      at: saved.performedAt,
    },
  });
  return saved;
}

export async function logsPage(
  db: Queryable,
  userId: string,
  range: { from?: string | undefined; to?: string | undefined },
  limit: number,
  after?: [string, string],
) {
  return db.query<LogRow>(
    `SELECT * FROM workout_logs WHERE user_id = $1
       AND ($2::timestamptz IS NULL OR performed_at >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR performed_at < $3::timestamptz)
       AND ($4::timestamptz IS NULL OR (performed_at, id) < ($4::timestamptz, $5::uuid))
     ORDER BY performed_at DESC, id DESC LIMIT $6`,
    [userId, range.from ?? null, range.to ?? null, after?.[0] ?? null, after?.[1] ?? null, limit],
  );
}
