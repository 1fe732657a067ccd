import { workoutEvents, type GymSession } from '@nxg/contracts';
import { enqueueEvent, type Queryable, uuidv7 } from '@nxg/platform';

interface SessionRow {
  id: string;
  user_id: string;
  branch_id: string;
  started_at: Date;
  ended_at: Date | null;
  status: GymSession['status'];
  started_by: GymSession['startedBy'];
  end_reason: string | null;
  machines_used: string[];
  [key: string]: unknown;
}

export const toSession = (r: SessionRow): GymSession => ({
  id: r.id,
  branchId: r.branch_id,
  startedAt: new Date(r.started_at).toISOString(),
  endedAt: r.ended_at ? new Date(r.ended_at).toISOString() : null,
  status: r.status,
  startedBy: r.started_by,
  endReason: r.end_reason,
  machinesUsed: r.machines_used,
  durationMinutes: r.ended_at
    ? Math.round((new Date(r.ended_at).getTime() - new Date(r.started_at).getTime()) / 60_000)
    : null,
});

export async function activeSession(db: Queryable, userId: string): Promise<SessionRow | undefined> {
  const [row] = await db.query<SessionRow>(
    `SELECT * FROM gym_sessions WHERE user_id = $1 AND status = 'active'`,
    [userId],
  );
  return row;
}

/** A branch's active sessions, earliest first, with the member's name as workout knows it ('' if not). */
export async function activeAtBranch(
  db: Queryable,
  branchId: string,
  limit: number,
  after?: [string, string],
): Promise<(SessionRow & { name: string; last_activity_at: Date })[]> {
  return db.query(
    `SELECT s.*, coalesce(p.name, '') AS name FROM gym_sessions s
     LEFT JOIN member_profiles p ON p.user_id = s.user_id
     WHERE s.branch_id = $1 AND s.status = 'active'
       AND ($2::timestamptz IS NULL OR (s.started_at, s.id) > ($2::timestamptz, $3::uuid))
     ORDER BY s.started_at, s.id LIMIT $4`,
    [branchId, after?.[0] ?? null, after?.[1] ?? null, limit],
  );
}

/** Starts a session unless one is active; resolves with the new row, or undefined if one was. */
export async function startSession(
  tx: Queryable,
  userId: string,
  branchId: string,
  startedBy: GymSession['startedBy'],
  machineId?: string,
): Promise<SessionRow | undefined> {
  const [row] = await tx.query<SessionRow>(
    `INSERT INTO gym_sessions (id, user_id, branch_id, started_by, machines_used)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) WHERE status = 'active' DO NOTHING RETURNING *`,
    [uuidv7(), userId, branchId, startedBy, machineId ? [machineId] : []],
  );
  if (!row) return undefined;
  await enqueueEvent(tx, {
    event: workoutEvents.sessionStarted,
    subject: userId,
    data: { userId, sessionId: row.id, branchId, startedBy, at: new Date(row.started_at).toISOString() },
  });
  return row;
}

/** Ends a session with its event; `expired` when it ended by itself. */
export async function endSession(
  tx: Queryable,
  sessionId: string,
  reason: string,
): Promise<SessionRow | undefined> {
  const status = reason === 'check-out' ? 'completed' : 'expired';
  const [row] = await tx.query<SessionRow>(
    `UPDATE gym_sessions SET status = $2, ended_at = now(), end_reason = $3 WHERE id = $1 AND status = 'active' RETURNING *`,
    [sessionId, status, reason],
  );
  if (!row) return undefined;
  const session = toSession(row);
  await enqueueEvent(tx, {
    event: workoutEvents.sessionEnded,
    subject: row.user_id,
    data: {
      userId: row.user_id,
      sessionId,
      branchId: row.branch_id,
      reason,
      durationMinutes: session.durationMinutes ?? 0,
      at: session.endedAt!,
    },
  });
  return row;
}

/** Activity keeps a session alive; a machine used is remembered. */
export async function touchSession(
  tx: Queryable,
  userId: string,
  machineId?: string,
): Promise<string | undefined> {
  const [row] = await tx.query<{ id: string }>(
    `UPDATE gym_sessions SET last_activity_at = now(),
       machines_used = CASE WHEN $2::text IS NULL OR $2::text = ANY(machines_used) THEN machines_used
                            ELSE array_append(machines_used, $2::text) END
     WHERE user_id = $1 AND status = 'active' RETURNING id`,
    [userId, machineId ?? null],
  );
  return row?.id;
}

export async function sessionsPage(db: Queryable, userId: string, limit: number, after?: [string, string]) {
  return db.query<SessionRow>(
    `SELECT * FROM gym_sessions WHERE user_id = $1
       AND ($2::timestamptz IS NULL OR (started_at, id) < ($2::timestamptz, $3::uuid))
     ORDER BY started_at DESC, id DESC LIMIT $4`,
    [userId, after?.[0] ?? null, after?.[1] ?? null, limit],
  );
}
