import {
  nutritionEvents,
  type MealPlan,
  type MealPlanSource,
  type PlanDay,
  type Targets,
} from '@nxg/contracts';
import { enqueueEvent, type Queryable } from '@nxg/platform';
import { v7 as uuidv7 } from 'uuid';

export type PlanReason = 'requested' | 'weekly' | 'profile_changed';

export interface PlanRow {
  id: string;
  user_id: string;
  source: MealPlanSource;
  reason: PlanReason;
  timezone: string;
  starts_on: string;
  targets: Targets;
  excluded_allergens: string[];
  days: PlanDay[];
  created_at: Date | string;
  [key: string]: unknown;
}

const PLAN_COLUMNS = `id, user_id, source, reason, timezone, starts_on::text AS starts_on, targets,
  excluded_allergens, days, created_at`;

export const toPlan = (row: PlanRow): MealPlan => ({
  id: row.id,
  source: row.source,
  targets: row.targets,
  excludedAllergens: row.excluded_allergens,
  timezone: row.timezone,
  startsOn: row.starts_on,
  days: row.days,
  createdAt: new Date(row.created_at).toISOString(),
});

export async function activePlanRow(db: Queryable, userId: string): Promise<PlanRow | undefined> {
  const [row] = await db.query<PlanRow>(
    `SELECT ${PLAN_COLUMNS} FROM meal_plans WHERE user_id = $1 AND active`,
    [userId],
  );
  return row;
}

export interface NewPlan {
  userId: string;
  source: MealPlanSource;
  reason: PlanReason;
  timezone: string;
  startsOn: string;
  targets: Targets;
  excludedAllergens: string[];
  days: PlanDay[];
}

/**
 * Makes `plan` the member's active plan (the previous one is kept, inactive) and announces it, in
 * the caller's transaction. The member's row is locked first, so two replicas replacing the same
 * plan at once take turns instead of breaking the one-active-plan index. Undefined for an account
 * erased meanwhile.
 */
export async function activatePlan(tx: Queryable, plan: NewPlan): Promise<PlanRow | undefined> {
  const [erased] = await tx.query('SELECT 1 FROM erased_members WHERE user_id = $1', [plan.userId]);
  if (erased) return undefined;
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`meal-plan:${plan.userId}`]);
  await tx.query('UPDATE meal_plans SET active = false WHERE user_id = $1 AND active', [plan.userId]);
  const [row] = await tx.query<PlanRow>(
    `INSERT INTO meal_plans (id, user_id, source, reason, timezone, starts_on, targets, excluded_allergens, days)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING ${PLAN_COLUMNS}`,
    [
      uuidv7(),
      plan.userId,
      plan.source,
      plan.reason,
      plan.timezone,
      plan.startsOn,
      JSON.stringify(plan.targets),
      plan.excludedAllergens,
      JSON.stringify(plan.days),
    ],
  );
  await enqueueEvent(tx, {
    event: nutritionEvents.planGenerated,
    subject: plan.userId,
    data: {
      userId: plan.userId,
      planId: row!.id,
      source: plan.source,
      reason: plan.reason,
      timezone: plan.timezone,
      startsOn: plan.startsOn,
      kcalTarget: plan.targets.kcal,
      proteinG: plan.targets.proteinG,
      carbsG: plan.targets.carbsG,
      fatG: plan.targets.fatG,
      days: plan.days.map((day) => ({
        date: day.date,
        meals: day.meals.map((m) => ({ mealType: m.mealType, time: m.time, kcal: m.totals.kcal })),
      })),
      at: new Date().toISOString(),
    },
  });
  return row;
}

/** Asks the refresh job to replace the member's active plan (goal or allergies changed). */
export async function requestPlanRefresh(tx: Queryable, userId: string): Promise<boolean> {
  const rows = await tx.query(
    'UPDATE meal_plans SET refresh_requested_at = now() WHERE user_id = $1 AND active RETURNING id',
    [userId],
  );
  return rows.length > 0;
}

/**
 * Active plans due for replacement (older than `olderThanS`, or asked for), claimed for this
 * replica: `FOR UPDATE SKIP LOCKED` inside the caller's transaction, so replicas share the work.
 */
export async function claimDuePlans(
  tx: Queryable,
  olderThanS: number,
  limit: number,
): Promise<Array<{ user_id: string; refresh_requested_at: Date | null }>> {
  return tx.query(
    `SELECT user_id, refresh_requested_at FROM meal_plans
     WHERE active AND (refresh_requested_at IS NOT NULL OR created_at < now() - make_interval(secs => $1))
     ORDER BY refresh_requested_at NULLS LAST, created_at
     LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [olderThanS, limit],
  );
}
