import type { EventData } from '@nxg/contracts';
import type { machineEvents, workoutEvents } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { metValueFor } from '@nxg/reference-data';

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

/** A set without a duration is taken to last this long per repetition (a controlled tempo). */
export const SECONDS_PER_REP = 3;

/** Logged sets, each once whatever how often its event comes: one statement for a batch. */
export async function saveSets(
  tx: Queryable,
  sets: ReadonlyArray<EventData<typeof workoutEvents.exerciseLogged>>,
) {
  const column = <T>(value: (e: (typeof sets)[number]) => T) => sets.map(value);
  await tx.send(
    `INSERT INTO sets (log_id, user_id, exercise_name, reps, weight_kg, duration_s, source, session_id, performed_at,
       met, active_s)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::float8[], $6::float8[], $7::text[],
       $8::text[], $9::timestamptz[], $10::float8[], $11::float8[])
     ON CONFLICT (log_id) DO NOTHING`,
    [
      column((e) => e.logId),
      column((e) => e.userId),
      column((e) => e.exerciseName),
      column((e) => e.reps),
      column((e) => e.weightKg),
      column((e) => e.durationS),
      column((e) => e.source),
      column((e) => e.sessionId),
      column((e) => e.at),
      column((e) => metValueFor(e.exerciseName, { weighted: (e.weightKg ?? 0) > 0 }).met),
      column((e) => e.durationS ?? (e.reps ?? 0) * SECONDS_PER_REP),
    ],
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

/**
 * A link's end with the machine workout's totals the hub summed (v2 events; a v1 event has none),
 * and the MET figure of the machine's activity, for a cardio link without kcal or sets.
 */
export async function saveUnlinked(tx: Queryable, e: EventData<typeof machineEvents.machineUnlinked>) {
  await saveLinkEdge(tx, e, 'unlinked_at');
  const w = e.workout;
  if (!w) return;
  await tx.query(
    `UPDATE machine_links SET machine_name = $2, machine_type = $3, duration_s = $4, distance_m = $5, kcal = $6,
       avg_heart_rate = $7, max_heart_rate = $8, machine_sets = $9, met = $10
     WHERE link_id = $1`,
    [
      e.linkId,
      w.machineName,
      w.machineType,
      w.durationS,
      w.distanceM,
      w.kcal,
      w.avgHeartRate,
      w.maxHeartRate,
      w.sets,
      metValueFor(w.machineName, { weighted: false }).met,
    ],
  );
}
