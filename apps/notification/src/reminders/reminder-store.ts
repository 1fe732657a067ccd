import type { Queryable } from '@nxg/platform';
import { preferencesOf } from '../preferences/preference-store.ts';
import { nextOccurrence } from './occurrences.ts';
import { reminderSources, type ReminderSpec } from './reminder-sources.ts';

interface ReminderRow {
  user_id: string;
  reminder: string;
  spec: ReminderSpec;
  next_at: Date;
  [key: string]: unknown;
}

const sameSpec = (a: ReminderSpec, b: ReminderSpec) => JSON.stringify(a) === JSON.stringify(b);

/** The member's reminders as their preferences and plans say now. */
export async function remindersOf(tx: Queryable, userId: string): Promise<ReminderSpec[]> {
  const prefs = await preferencesOf(tx, userId);
  return (await Promise.all(reminderSources.map((source) => source(tx, userId, prefs)))).flat();
}

/**
 * Brings the member's reminder rows in line with their preferences and plans (after either
 * changed): new or changed reminders are next due at their first occurrence from now (from their
 * old due time, if it had come and not yet been sent); unchanged ones keep theirs; gone ones go.
 * One at a time per member, and only then reads what the reminders come from: two changes at once
 * (a new plan, a time zone) would otherwise each read the other's old value, and the later commit
 * would put the older plan back.
 */
export async function rescheduleMember(tx: Queryable, userId: string, now = new Date()): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`notification-reminders:${userId}`]);
  const specs = await remindersOf(tx, userId);
  const existing = new Map(
    (
      await tx.query<ReminderRow>(
        'SELECT user_id, reminder, spec, next_at FROM reminders WHERE user_id = $1 FOR UPDATE',
        [userId],
      )
    ).map((r) => [r.reminder, r]),
  );
  await tx.query('DELETE FROM reminders WHERE user_id = $1 AND NOT (reminder = ANY($2::text[]))', [
    userId,
    specs.map((s) => s.reminder),
  ]);
  for (const spec of specs) {
    const old = existing.get(spec.reminder);
    if (old && sameSpec(canonical(old.spec), canonical(spec))) continue;
    const oldDue = old ? new Date(old.next_at) : undefined;
    const from = oldDue && oldDue <= now ? new Date(oldDue.getTime() - 1) : now;
    const next = nextOccurrence(spec, from);
    if (!next) continue;
    await tx.query(
      `INSERT INTO reminders (user_id, reminder, spec, next_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (user_id, reminder) DO UPDATE SET spec = EXCLUDED.spec, next_at = EXCLUDED.next_at`,
      [userId, spec.reminder, JSON.stringify(spec), next],
    );
  }
}

/** The same spec whatever order jsonb gave its keys back in. */
function canonical(spec: ReminderSpec): ReminderSpec {
  return {
    reminder: spec.reminder,
    category: spec.category,
    kind: spec.kind,
    title: spec.title,
    body: spec.body,
    data: Object.fromEntries(Object.entries(spec.data).sort(([a], [b]) => a.localeCompare(b))),
    time: spec.time,
    weekdays: [...spec.weekdays],
    timezone: spec.timezone,
    ...(spec.dates
      ? { dates: Object.fromEntries(Object.entries(spec.dates).sort(([a], [b]) => a.localeCompare(b))) }
      : {}),
  };
}

/** Due reminders, locked for this transaction (another replica skips them). */
export async function claimDueReminders(tx: Queryable, now: Date, limit: number): Promise<ReminderRow[]> {
  return tx.query<ReminderRow>(
    `SELECT user_id, reminder, spec, next_at FROM reminders WHERE next_at <= $1
     ORDER BY next_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [now, limit],
  );
}

export async function moveReminder(tx: Queryable, row: ReminderRow, next: Date | undefined): Promise<void> {
  if (next)
    await tx.query('UPDATE reminders SET next_at = $3 WHERE user_id = $1 AND reminder = $2', [
      row.user_id,
      row.reminder,
      next,
    ]);
  else
    await tx.query('DELETE FROM reminders WHERE user_id = $1 AND reminder = $2', [row.user_id, row.reminder]);
}

/** A copy of the member's newest workout plan (an older event, replayed or late, changes nothing). */
export async function saveWorkoutPlan(
  tx: Queryable,
  plan: { userId: string; planId: string; daysPerWeek: number; at: string },
): Promise<boolean> {
  const saved = await tx.query(
    `INSERT INTO workout_plans (user_id, plan_id, days_per_week, generated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, days_per_week = EXCLUDED.days_per_week,
       generated_at = EXCLUDED.generated_at
     WHERE workout_plans.generated_at < EXCLUDED.generated_at
     RETURNING user_id`,
    [plan.userId, plan.planId, Math.min(7, Math.max(1, plan.daysPerWeek)), plan.at],
  );
  return saved.length > 0;
}

/** A copy of the member's newest meal plan: its dates and, per date, each meal's local time. */
export async function saveMealPlan(
  tx: Queryable,
  plan: {
    userId: string;
    planId: string;
    days: { date: string; meals: { mealType: string; time: string }[] }[];
    at: string;
  },
): Promise<boolean> {
  const days = plan.days.map((d) => ({
    date: d.date,
    meals: d.meals.map((m) => ({ mealType: m.mealType, time: m.time })),
  }));
  const saved = await tx.query(
    `INSERT INTO meal_plans (user_id, plan_id, days, generated_at) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET plan_id = EXCLUDED.plan_id, days = EXCLUDED.days,
       generated_at = EXCLUDED.generated_at
     WHERE meal_plans.generated_at < EXCLUDED.generated_at
     RETURNING user_id`,
    [plan.userId, plan.planId, JSON.stringify(days), plan.at],
  );
  return saved.length > 0;
}
