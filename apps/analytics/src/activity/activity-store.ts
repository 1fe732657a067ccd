import type { EventData } from '@nxg/contracts';
import type { machineEvents, workoutEvents } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';

/**
 * Writes of the activity read models. Each row is keyed by what the event names, and each write
 * gives the same rows whatever the order of the events about one session or link.
 */

export async function saveSessionStarted(tx: Queryable, e: EventData<typeof workoutEvents.sessionStarted>) {
  await tx.query(
    `INSERT INTO sessions (session_id, user_id, branch_id, started_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (session_id) DO UPDATE SET started_at = EXCLUDED.started_at`,
    [e.sessionId, e.userId, e.branchId, e.at],
  );
}

/** An end that comes first gives the start as end minus duration, until the start event says. */
export async function saveSessionEnded(tx: Queryable, e: EventData<typeof workoutEvents.sessionEnded>) {
  await tx.query(
    `INSERT INTO sessions (session_id, user_id, branch_id, started_at, ended_at, duration_minutes)
     VALUES ($1, $2, $3, $4::timestamptz - make_interval(mins => $5::int), $4, $5)
     ON CONFLICT (session_id) DO UPDATE SET ended_at = EXCLUDED.ended_at,
       duration_minutes = EXCLUDED.duration_minutes,
       started_at = COALESCE(sessions.started_at, EXCLUDED.started_at)`,
    [e.sessionId, e.userId, e.branchId, e.at, e.durationMinutes],
  );
}

export async function saveSet(tx: Queryable, e: EventData<typeof workoutEvents.exerciseLogged>) {
  await tx.query(
    `INSERT INTO sets (log_id, user_id, exercise_name, reps, weight_kg, duration_s, source, session_id, performed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (log_id) DO NOTHING`,
    [e.logId, e.userId, e.exerciseName, e.reps, e.weightKg, e.durationS, e.source, e.sessionId, e.at],
  );
}

export async function savePlan(tx: Queryable, e: EventData<typeof workoutEvents.planGenerated>) {
  await tx.query(
    `INSERT INTO member_plans (user_id, plan_id, days_per_week, planned_sets_per_week, generated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, days_per_week = EXCLUDED.days_per_week,
       planned_sets_per_week = EXCLUDED.planned_sets_per_week, generated_at = EXCLUDED.generated_at
     WHERE member_plans.generated_at <= EXCLUDED.generated_at`,
    [e.userId, e.planId, e.daysPerWeek, e.plannedSetsPerWeek ?? null, e.at],
  );
}

type LinkEvent = EventData<typeof machineEvents.machineLinked>;

export async function saveLinkEdge(tx: Queryable, e: LinkEvent, edge: 'linked_at' | 'unlinked_at') {
  await tx.query(
    `INSERT INTO machine_links (link_id, user_id, branch_id, machine_id, ${edge}) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (link_id) DO UPDATE SET ${edge} = EXCLUDED.${edge}`,
    [e.linkId, e.userId, e.branchId, e.machineId, e.at],
  );
}
