import { workoutEvents, type Customizations, type WorkoutDay, type WorkoutPlan } from '@nxg/contracts';
import { enqueueEvent, type Queryable, uuidv7 } from '@nxg/platform';
import { applyCustomizations, carryOver } from './customizations.ts';

interface PlanRow {
  id: string;
  user_id: string;
  name: string;
  source: WorkoutPlan['source'];
  goal: string;
  level: string;
  days_per_week: number;
  plan_data: { days: WorkoutDay[] };
  customizations: Customizations;
  active: boolean;
  created_at: Date;
  [key: string]: unknown;
}

export const toPlan = (r: PlanRow, names: Map<string, string>): WorkoutPlan => ({
  id: r.id,
  name: r.name,
  source: r.source,
  goal: r.goal,
  level: r.level,
  daysPerWeek: r.days_per_week,
  days: r.plan_data.days,
  customizations: r.customizations,
  effectiveDays: applyCustomizations(r.plan_data.days, r.customizations, names),
  active: r.active,
  createdAt: new Date(r.created_at).toISOString(),
});

export async function activePlanRow(db: Queryable, userId: string): Promise<PlanRow | undefined> {
  const [row] = await db.query<PlanRow>('SELECT * FROM workout_plans WHERE user_id = $1 AND active', [
    userId,
  ]);
  return row;
}

/** The newest plan the AI service made for this member: the "last good plan" when it is down. */
export async function lastAiPlan(db: Queryable, userId: string): Promise<PlanRow | undefined> {
  const [row] = await db.query<PlanRow>(
    `SELECT * FROM workout_plans WHERE user_id = $1 AND source = 'ai' ORDER BY created_at DESC LIMIT 1`,
    [userId],
  );
  return row;
}

/** Makes a new plan the member's one active plan, carrying over customizations that still apply. */
export async function activatePlan(
  tx: Queryable,
  plan: {
    userId: string;
    name: string;
    source: WorkoutPlan['source'];
    goal: string;
    level: string;
    daysPerWeek: number;
    days: WorkoutDay[];
  },
): Promise<PlanRow> {
  const previous = await tx.query<PlanRow>(
    'UPDATE workout_plans SET active = false WHERE user_id = $1 AND active RETURNING *',
    [plan.userId],
  );
  const customizations = previous[0] ? carryOver(previous[0].customizations, plan.days) : {};
  const [row] = await tx.query<PlanRow>(
    `INSERT INTO workout_plans (id, user_id, name, source, goal, level, days_per_week, plan_data, customizations)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING *`,
    [
      uuidv7(),
      plan.userId,
      plan.name,
      plan.source,
      plan.goal,
      plan.level,
      plan.daysPerWeek,
      JSON.stringify({ days: plan.days }),
      JSON.stringify(customizations),
    ],
  );
  await enqueueEvent(tx, {
    event: workoutEvents.planGenerated,
    subject: plan.userId,
    data: {
      userId: plan.userId,
      planId: row!.id,
      source: plan.source,
      daysPerWeek: plan.daysPerWeek,
      plannedSetsPerWeek: plan.days.reduce(
        (sets, day) => sets + day.exercises.reduce((n, exercise) => n + exercise.sets, 0),
        0,
      ),
      at: new Date(row!.created_at).toISOString(),
    },
  });
  return row!;
}
