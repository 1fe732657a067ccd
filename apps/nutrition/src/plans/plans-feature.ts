import { nutrition, NutritionErrors } from '@nxg/contracts';
import { AppError, bind, defineFeature, requireUser } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { findMember } from '../members/member-store.ts';
import { makePlan } from './plan-maker.ts';
import { activatePlan, activePlanRow, claimDuePlan, toPlan } from './plan-store.ts';

/** Plans replaced per run of the refresh job and replica (each may wait on the planning service). */
const REFRESH_BATCH = 20;

/**
 * Meal plans: generated on request, replaced weekly and when the member's goal or allergies
 * change, never showing an item with a declared allergen.
 */
export const plansFeature = defineFeature<NutritionDeps>({
  name: 'plans',
  operations: (deps) => [
    bind(nutrition.generatePlan, async ({ days }, ctx) => {
      const member = await findMember(deps.db, requireUser(ctx));
      const plan = await makePlan(deps, member, 'requested', days);
      const row = await deps.db.transaction((tx) => activatePlan(tx, plan));
      // Only an account erased while its plan was being made has no row.
      if (!row) throw new AppError(404, NutritionErrors.NO_ACTIVE_MEAL_PLAN, 'This account is being erased');
      return toPlan(row, member.allergies);
    }),

    bind(nutrition.activePlan, async (_input, ctx) => {
      const userId = requireUser(ctx);
      const [row, member] = await Promise.all([activePlanRow(deps.db, userId), findMember(deps.db, userId)]);
      if (!row)
        throw new AppError(
          404,
          NutritionErrors.NO_ACTIVE_MEAL_PLAN,
          'You have no meal plan yet; generate one',
        );
      return toPlan(row, member.allergies);
    }),
  ],
  jobs: (deps) => [
    {
      name: 'meal-plan-refresh',
      everyMs: deps.config.MEAL_PLAN_REFRESH_INTERVAL_S * 1000,
      async run() {
        for (let done = 0; done < REFRESH_BATCH; done++) {
          // One plan per transaction: claimed (FOR UPDATE SKIP LOCKED, so replicas share the work)
          // and replaced together, so a replica killed midway leaves the old plan due, not lost.
          const replaced = await deps.db.transaction(async (tx) => {
            const due = await claimDuePlan(tx, deps.config.MEAL_PLAN_REFRESH_AFTER_S);
            if (!due) return false;
            const member = await findMember(tx, due.user_id);
            const plan = await makePlan(
              deps,
              member,
              due.refresh_requested_at ? 'profile_changed' : 'weekly',
            );
            await activatePlan(tx, plan);
            return true;
          });
          if (!replaced) break;
        }
      },
    },
  ],
});
