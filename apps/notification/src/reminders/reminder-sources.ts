import type { NotificationCategory, Preferences } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { trainingWeekdays, type RepeatingTime } from './occurrences.ts';

/** One reminder a member should get: which, when, and what it says. */
export interface ReminderSpec extends RepeatingTime {
  /** `workout`, `meal:breakfast`, …: with the member and the local date, the notification's key. */
  reminder: string;
  category: NotificationCategory;
  kind: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

/**
 * Where reminders come from: each source reads its copy of another service's plan and the
 * member's preferences. Meal plans add a source here.
 */
export type ReminderSource = (tx: Queryable, userId: string, prefs: Preferences) => Promise<ReminderSpec[]>;

/** Workout reminders on the active plan's training days (the member's weekdays, else spread from days per week). */
export const workoutReminders: ReminderSource = async (tx, userId, prefs) => {
  const chosen = prefs.reminders.workout;
  if (!chosen || !prefs.categories.workout_reminders) return [];
  const [plan] = await tx.query<{ plan_id: string; days_per_week: number }>(
    'SELECT plan_id, days_per_week FROM workout_plans WHERE user_id = $1',
    [userId],
  );
  if (!plan) return [];
  return [
    {
      reminder: 'workout',
      category: 'workout_reminders',
      kind: 'reminder.workout',
      title: 'Time for your workout',
      body: 'Today is a training day in your plan.',
      data: { planId: plan.plan_id },
      time: chosen.time,
      weekdays: chosen.weekdays ?? trainingWeekdays(plan.days_per_week),
      timezone: prefs.timezone,
    },
  ];
};

export const reminderSources: ReminderSource[] = [workoutReminders];
