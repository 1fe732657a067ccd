import type { WorkoutDayFigures, WorkoutSummary } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { daysOf, type DateRange, type Period } from '../periods.ts';

// The instants a range of local days covers: [first day's midnight, the day after the last's).
const within = (column: string) =>
  `${column} >= ($3::date::timestamp AT TIME ZONE $2) AND ${column} < (($4::date + 1)::timestamp AT TIME ZONE $2)`;
const localDay = (column: string) => `(${column} AT TIME ZONE $2)::date::text`;

interface DayRow {
  day: string;
  [figure: string]: unknown;
}

/**
 * A member's workout figures per day of a range, rolled up at query time from the rows the
 * consumers keep (sets, sessions, machine links), days counted in the member's time zone.
 */
export async function workoutSummary(
  db: Queryable,
  userId: string,
  timeZone: string,
  period: Period,
  range: DateRange,
): Promise<WorkoutSummary> {
  const args = [userId, timeZone, range.from, range.to];
  const [sets, sessions, links, plans] = await Promise.all([
    db.query<DayRow>(
      `SELECT ${localDay('performed_at')} AS day, count(*)::int AS sets, COALESCE(sum(reps), 0)::int AS reps,
         COALESCE(sum(weight_kg * reps), 0)::float8 AS volume
       FROM sets WHERE user_id = $1 AND ${within('performed_at')} GROUP BY 1`,
      args,
    ),
    db.query<DayRow>(
      `SELECT ${localDay('started_at')} AS day, count(*)::int AS sessions,
         COALESCE(sum(duration_minutes), 0)::int AS minutes
       FROM sessions WHERE user_id = $1 AND ${within('started_at')} GROUP BY 1`,
      args,
    ),
    db.query<DayRow>(
      `SELECT ${localDay('linked_at')} AS day,
         COALESCE(sum(extract(epoch FROM unlinked_at - linked_at)), 0)::float8 AS seconds
       FROM machine_links WHERE user_id = $1 AND unlinked_at IS NOT NULL AND ${within('linked_at')} GROUP BY 1`,
      args,
    ),
    db.query<{ days_per_week: number; planned_sets_per_week: number | null }>(
      'SELECT days_per_week, planned_sets_per_week FROM member_plans WHERE user_id = $1',
      [userId],
    ),
  ]);
  const byDay = (rows: DayRow[]) => new Map(rows.map((r) => [r.day, r]));
  const [setsOn, sessionsOn, linksOn] = [byDay(sets), byDay(sessions), byDay(links)];
  const days: WorkoutDayFigures[] = daysOf(range).map((date) => ({
    date,
    sessions: Number(sessionsOn.get(date)?.sessions ?? 0),
    sets: Number(setsOn.get(date)?.sets ?? 0),
    reps: Number(setsOn.get(date)?.reps ?? 0),
    volumeKg: round(Number(setsOn.get(date)?.volume ?? 0), 1),
    activeMinutes: Number(sessionsOn.get(date)?.minutes ?? 0),
    machineMinutes: Math.round(Number(linksOn.get(date)?.seconds ?? 0) / 60),
  }));
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
