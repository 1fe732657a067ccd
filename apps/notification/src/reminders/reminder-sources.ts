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
 * member's preferences.
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

interface MealPlanDay {
  date: string;
  meals: { mealType: string; time: string }[];
}

/** `HH:MM`: what a plan's suggested time must look like to be reminded at. */
const CLOCK_TIME = /^([01][0-9]|2[0-3]):[0-5][0-9]$/;

const MEAL_NAMES: Record<string, string> = {
  breakfast: 'breakfast',
  lunch: 'lunch',
  dinner: 'dinner',
  snack: 'your snack',
};

/**
 * Meal reminders from the active meal plan: one per meal type it has, on the plan's dates at the
 * plan's suggested local time, or at the member's own time for that meal (null: none for it).
 */
export const mealReminders: ReminderSource = async (tx, userId, prefs) => {
  if (!prefs.categories.meal_reminders) return [];
  const [plan] = await tx.query<{ plan_id: string; days: MealPlanDay[] }>(
    'SELECT plan_id, days FROM meal_plans WHERE user_id = $1',
    [userId],
  );
  if (!plan) return [];
  const chosen = prefs.reminders.meals as Record<string, string | null | undefined>;
  const byMeal = new Map<string, Record<string, string>>();
  for (const day of plan.days)
    for (const meal of day.meals) {
      const time = chosen[meal.mealType] === undefined ? meal.time : chosen[meal.mealType];
      if (!time || !CLOCK_TIME.test(time)) continue; // none wanted, or not a time: no reminder
      const dates = byMeal.get(meal.mealType) ?? {};
      dates[day.date] ??= time; // two of a type on one day: the first
      byMeal.set(meal.mealType, dates);
    }
  return [...byMeal].map(([mealType, dates]) => {
    const name = MEAL_NAMES[mealType] ?? mealType;
    return {
      reminder: `meal:${mealType}`,
      category: 'meal_reminders' as const,
      kind: 'reminder.meal',
      title: `Time for ${name}`,
      body: `${name.charAt(0).toUpperCase()}${name.slice(1)} is on your meal plan. Log it once you have eaten.`,
      data: { planId: plan.plan_id, mealType },
      time: Object.values(dates)[0]!,
      weekdays: [],
      timezone: prefs.timezone,
      dates,
    };
  });
};

export const reminderSources: ReminderSource[] = [workoutReminders, mealReminders];
