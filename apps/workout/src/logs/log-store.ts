import { workoutEvents, type WorkoutLog } from '@nxg/contracts';
import { enqueueEvent, type Queryable } from '@nxg/platform';
import { v7 as uuidv7 } from 'uuid';
import { SOURCE, TOUCH_SESSION } from '../sessions/session-store.ts';

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
 * One statement: touch the member's active session (if any) and log the set in it. Named, so
 * PostgreSQL parses and plans it once per connection; columns listed, so a column added by a
 * later migration cannot break the prepared statement.
 */
const INSERT_LOG = {
  name: 'workout.insert-log',
  text: `WITH session AS (${TOUCH_SESSION})
     INSERT INTO workout_logs (id, user_id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, machine_id, frame_id, session_id, performed_at)
     SELECT $3, $1, $4, $5, $6, $7, $8, $9, $2::uuid, $10, (SELECT id FROM session), $11
     ON CONFLICT (machine_id, frame_id) WHERE frame_id IS NOT NULL DO NOTHING
     RETURNING id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, machine_id, session_id, performed_at`,
};

/**
 * Logs a set and announces it, in the caller's transaction. A set from a machine frame already
 * logged (JetStream redelivers) is not logged again: resolves undefined.
 */
export async function insertLog(tx: Queryable, log: NewLog): Promise<WorkoutLog | undefined> {
  const [row] = await tx.query<LogRow>(
    INSERT_LOG.text,
    [
      log.userId,
      log.machineId ?? null,
      uuidv7(),
      log.exerciseId,
      log.exerciseName,
      log.reps ?? null,
      log.weightKg ?? null,
      log.durationS ?? null,
      log.source,
      log.frameId ?? null,
      log.performedAt,
    ],
    { name: INSERT_LOG.name },
  );
  if (!row) return undefined;
  const saved = toLog(row);
  await enqueueEvent(tx, SOURCE, {
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
