import { nutritionEvents, type MealPlan, type MealPlanSource, type Targets } from '@nxg/contracts';
import { enqueueEvent, erasureDigest, type Queryable, uuidv7 } from '@nxg/platform';
import { declaredAllergens, withoutAllergens } from './allergens.ts';
import { finishDays, type PlanDayDraft } from './planning-service.ts';

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
  /** As planned, with what each item is made of (kept for the allergen check on every read). */
  days: PlanDayDraft[];
  created_at: Date | string;
  [key: string]: unknown;
}

const PLAN_COLUMNS = `id, user_id, source, reason, timezone, starts_on::text AS starts_on, targets,
  excluded_allergens, days, created_at`;

/**
 * A stored plan as members see it, without any item that contains one of `allergies` (the
 * member's allergies now: a plan made before one was declared never shows it either).
 */
export const toPlan = (row: PlanRow, allergies: readonly string[]): MealPlan => ({
  id: row.id,
  source: row.source,
  targets: row.targets,
  excludedAllergens: declaredAllergens([...row.excluded_allergens, ...allergies]),
  timezone: row.timezone,
  startsOn: row.starts_on,
  days: finishDays(withoutAllergens(row.days, [...row.excluded_allergens, ...allergies])),
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
  /** Already without the excluded allergens. */
  days: PlanDayDraft[];
}

/**
 * Makes `plan` the member's active plan (the previous one is kept, inactive) and announces it, in
 * the caller's transaction. The member's row is locked first, so two replicas replacing the same
 * plan at once take turns instead of breaking the one-active-plan index. Undefined for an account
 * erased meanwhile.
 */
export async function activatePlan(tx: Queryable, plan: NewPlan): Promise<PlanRow | undefined> {
  const [erased] = await tx.query('SELECT 1 FROM erased_members WHERE user_digest = $1', [
    erasureDigest(plan.userId),
  ]);
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
      days: finishDays(plan.days).map((day) => ({
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
 * An active plan due for replacement (older than `olderThanS`, or asked for), claimed for this
 * replica: `FOR UPDATE SKIP LOCKED` inside the caller's transaction, so replicas share the work.
 */
export async function claimDuePlan(
  tx: Queryable,
  olderThanS: number,
): Promise<{ user_id: string; refresh_requested_at: Date | null } | undefined> {
  const [due] = await tx.query<{ user_id: string; refresh_requested_at: Date | null }>(
    `SELECT user_id, refresh_requested_at FROM meal_plans
     WHERE active AND (refresh_requested_at IS NOT NULL OR created_at < now() - make_interval(secs => $1))
     ORDER BY refresh_requested_at NULLS LAST, created_at
     LIMIT 1 FOR UPDATE SKIP LOCKED`,
    [olderThanS],
  );
  if (!due) return undefined;
  // The member's plan lock, as activatePlan takes it, without waiting: a member replacing their
  // plan right now is left to it (waiting here, holding the row, could deadlock with them).
  const [locked] = await tx.query<{ ok: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS ok', [
    `meal-plan:${due.user_id}`,
  ]);
  return locked?.ok ? due : undefined;
}
