import { workoutEvents, type WorkoutLog } from '@nxg/contracts';
import { enqueueEvents, type Queryable, type TraceContext, uuidv7 } from '@nxg/platform';

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
  /** The request's hashed Idempotency-Key: one set per member and key, however often retried. */
  requestKey?: string | undefined;
  /** The trace of the request that logged it, when written in a batch with others. */
  trace?: TraceContext;
}

/**
 * One statement for a batch of sets: touch each member's active session (if any, remembering the
 * machines used) and log the sets in it. The session row is rewritten only when the touch says
 * something new (a second or more since the last, or a new machine): `last_activity_at` is indexed
 * for the idle sweep, so every rewrite is a new row version with new index entries, and a burst of
 * sets would pile them up for nothing. Named, so PostgreSQL parses and plans it once per
 * connection; columns listed, so a column a later migration adds cannot break it.
 */
const INSERT_LOGS = {
  name: 'workout.insert-logs',
  text: `WITH input AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::int[], $6::float8[], $7::float8[],
                            $8::text[], $9::uuid[], $10::uuid[], $11::timestamptz[], $12::text[]) WITH ORDINALITY
         AS i(id, user_id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, machine_id, frame_id, performed_at, request_key, n)
     ), session AS (
       SELECT s.id, s.user_id FROM gym_sessions s
       WHERE s.status = 'active' AND s.user_id IN (SELECT user_id FROM input)
     ), touched AS (
       UPDATE gym_sessions s SET last_activity_at = now(),
         machines_used = s.machines_used || ARRAY(
           SELECT DISTINCT i.machine_id::text FROM input i
           WHERE i.user_id = s.user_id AND i.machine_id IS NOT NULL AND NOT i.machine_id::text = ANY(s.machines_used))
       FROM session WHERE s.id = session.id
         AND (s.last_activity_at < now() - interval '1 second' OR EXISTS (
           SELECT 1 FROM input i
           WHERE i.user_id = s.user_id AND i.machine_id IS NOT NULL AND NOT i.machine_id::text = ANY(s.machines_used)))
     )
     INSERT INTO workout_logs (id, user_id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, machine_id, frame_id, session_id, performed_at, request_key)
     SELECT i.id, i.user_id, i.exercise_id, i.exercise_name, i.reps, i.weight_kg, i.duration_s, i.source, i.machine_id, i.frame_id, session.id, i.performed_at, i.request_key
     FROM input i LEFT JOIN session ON session.user_id = i.user_id ORDER BY i.n
     ON CONFLICT DO NOTHING
     RETURNING id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, machine_id, session_id, performed_at`,
};

/**
 * Logs sets and announces each, in the caller's transaction, in two statements whatever their
 * number. A set already logged — from the same machine frame (JetStream redelivers) or under the
 * same member's request key (a retried request) — is not logged again: its result is undefined.
 */
export async function insertLogs(tx: Queryable, logs: NewLog[]): Promise<Array<WorkoutLog | undefined>> {
  const ids = logs.map(() => uuidv7());
  const column = <T>(value: (log: NewLog) => T) => logs.map(value);
  const rows = await tx.query<LogRow>(
    INSERT_LOGS.text,
    [
      ids,
      column((l) => l.userId),
      column((l) => l.exerciseId),
      column((l) => l.exerciseName),
      column((l) => l.reps ?? null),
      column((l) => l.weightKg ?? null),
      column((l) => l.durationS ?? null),
      column((l) => l.source),
      column((l) => l.machineId ?? null),
      column((l) => l.frameId ?? null),
      column((l) => l.performedAt),
      column((l) => l.requestKey ?? null),
    ],
    { name: INSERT_LOGS.name },
  );
  const inserted = new Map(rows.map((row) => [row.id, toLog(row)]));
  const saved = ids.map((id) => inserted.get(id));
  await enqueueEvents(
    tx,
    logs.flatMap((log, i) => {
      const set = saved[i];
      if (!set) return [];
      return [
        {
          event: workoutEvents.exerciseLogged,
          subject: log.userId,
          data: {
            userId: log.userId,
            logId: set.id,
            exerciseName: set.exerciseName,
            reps: set.reps,
            weightKg: set.weightKg,
            durationS: set.durationS,
            source: set.source,
            sessionId: set.sessionId,
            at: set.performedAt,
          },
          ...(log.trace ? { trace: log.trace } : {}),
        },
      ];
    }),
  );
  return saved;
}

/** The set a member logged under a request key before, if any. */
export async function logByRequestKey(
  db: Queryable,
  userId: string,
  requestKey: string,
): Promise<WorkoutLog | undefined> {
  const [row] = await db.query<LogRow>(
    `SELECT id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, machine_id, session_id, performed_at
     FROM workout_logs WHERE user_id = $1 AND request_key = $2`,
    [userId, requestKey],
  );
  return row ? toLog(row) : undefined;
}

/** Logs one set (see insertLogs); undefined when its machine frame was logged already. */
export async function insertLog(tx: Queryable, log: NewLog): Promise<WorkoutLog | undefined> {
  const [saved] = await insertLogs(tx, [log]);
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
