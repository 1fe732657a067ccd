import type { WorkoutDayFigures, WorkoutSummary } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { daysOf, type DateRange, type Period } from '../periods.ts';

/**
 * Rows of the member whose instant (`column`) falls on a day of the range in the member's zone at
 * that instant: a UTC window wide enough for any zone, then each instant's own local day.
 */
const zonedRows = (table: string, column: string, extra = 'true') =>
  `SELECT t.*, (t.${column} AT TIME ZONE member_zone_at(t.user_id, t.${column}))::date AS day FROM ${table} t
   WHERE t.user_id = $1 AND ${extra}
     AND t.${column} >= (($2::date - 1)::timestamp AT TIME ZONE 'UTC')
     AND t.${column} < (($3::date + 2)::timestamp AT TIME ZONE 'UTC')`;
const inRange = 'day BETWEEN $2::date AND $3::date';

interface DayRow {
  day: string;
  [figure: string]: unknown;
}

/**
 * A member's workout figures per day of a range, rolled up at query time from the rows the
 * consumers keep (sets, sessions, machine links), each instant on its day in the member's zone at
 * that instant. kcal: what machines measured, plus MET × `bodyWeightKg` × time for sets no machine
 * measured (manual sets, or a link without a kcal figure) and for cardio links with neither.
 */
export async function workoutSummary(
  db: Queryable,
  userId: string,
  timeZone: string,
  period: Period,
  range: DateRange,
  bodyWeightKg: number,
): Promise<WorkoutSummary> {
  const args = [userId, range.from, range.to];
  const [sets, sessions, links, plans] = await Promise.all([
    db.query<DayRow>(
      `WITH s AS (${zonedRows('sets', 'performed_at')})
       SELECT day::text AS day, count(*)::int AS sets, COALESCE(sum(reps), 0)::int AS reps,
         COALESCE(sum(weight_kg * reps), 0)::float8 AS volume,
         COALESCE(sum(met * active_s) FILTER (WHERE NOT EXISTS (
           SELECT 1 FROM machine_links l WHERE l.user_id = s.user_id AND s.source = 'machine'
             AND l.kcal IS NOT NULL AND s.performed_at BETWEEN l.linked_at AND l.unlinked_at)), 0)::float8 AS met_seconds
       FROM s WHERE ${inRange} GROUP BY 1`,
      args,
    ),
    db.query<DayRow>(
      `WITH s AS (${zonedRows('sessions', 'started_at')})
       SELECT day::text AS day, count(*)::int AS sessions, COALESCE(sum(duration_minutes), 0)::int AS minutes
       FROM s WHERE ${inRange} GROUP BY 1`,
      args,
    ),
    db.query<DayRow>(
      `WITH l AS (${zonedRows('machine_links', 'linked_at', 'unlinked_at IS NOT NULL')})
       SELECT day::text AS day, COALESCE(sum(extract(epoch FROM unlinked_at - linked_at)), 0)::float8 AS seconds,
         COALESCE(sum(distance_m), 0)::float8 AS distance, COALESCE(sum(kcal), 0)::float8 AS kcal,
         COALESCE(sum(met * duration_s) FILTER (WHERE kcal IS NULL AND machine_sets = 0
           AND machine_type = 'cardio'), 0)::float8 AS met_seconds
       FROM l WHERE ${inRange} GROUP BY 1`,
      args,
    ),
    db.query<{ days_per_week: number; planned_sets_per_week: number | null }>(
      'SELECT days_per_week, planned_sets_per_week FROM member_plans WHERE user_id = $1',
      [userId],
    ),
  ]);
  const byDay = (rows: DayRow[]) => new Map(rows.map((r) => [r.day, r]));
  const [setsOn, sessionsOn, linksOn] = [byDay(sets), byDay(sessions), byDay(links)];
  const figure = (row: DayRow | undefined, name: string) => Number(row?.[name] ?? 0);
  const days: WorkoutDayFigures[] = daysOf(range).map((date) => {
    const [s, l] = [setsOn.get(date), linksOn.get(date)];
    const metSeconds = figure(s, 'met_seconds') + figure(l, 'met_seconds');
    return {
      date,
      sessions: figure(sessionsOn.get(date), 'sessions'),
      sets: figure(s, 'sets'),
      reps: figure(s, 'reps'),
      volumeKg: round(figure(s, 'volume'), 1),
      activeMinutes: figure(sessionsOn.get(date), 'minutes'),
      machineMinutes: Math.round(figure(l, 'seconds') / 60),
      distanceM: Math.round(figure(l, 'distance')),
      kcal: Math.round(figure(l, 'kcal') + (metSeconds * bodyWeightKg) / 3600),
    };
  });
  const sum = (pick: (d: WorkoutDayFigures) => number) => days.reduce((n, d) => n + pick(d), 0);
  const totals = {
    sessions: sum((d) => d.sessions),
    sets: sum((d) => d.sets),
    reps: sum((d) => d.reps),
    volumeKg: round(
      sum((d) => d.volumeKg),
      1,
    ),
    activeMinutes: sum((d) => d.activeMinutes),
    machineMinutes: sum((d) => d.machineMinutes),
    distanceM: sum((d) => d.distanceM),
    kcal: sum((d) => d.kcal),
  };
  const plan = plans[0];
  return {
    period,
    from: range.from,
    to: range.to,
    timeZone,
    totals: {
      ...totals,
      planCompletionPct: plan ? planCompletion(plan, days, totals.sets) : null,
    },
    days,
  };
}

/**
 * Sets done against the sets the plan asks for over the period's weeks (capped at 100); a plan
 * from before plans announced their sets counts training days against its days per week.
 */
function planCompletion(
  plan: { days_per_week: number; planned_sets_per_week: number | null },
  days: WorkoutDayFigures[],
  setsDone: number,
): number {
  const weeks = days.length / 7;
  const [done, planned] =
    plan.planned_sets_per_week != null
      ? [setsDone, plan.planned_sets_per_week * weeks]
      : [days.filter((d) => d.sets > 0).length, plan.days_per_week * weeks];
  if (planned <= 0) return 0;
  return Math.min(100, round((done / planned) * 100, 1));
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;
