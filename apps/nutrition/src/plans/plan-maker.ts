import { CommonErrorCodes } from '@nxg/contracts';
import { AppError } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { dayIn, knownTimezone } from '../local-days.ts';
import type { Member } from '../members/member-store.ts';
import { dailyTargets } from '../targets/daily-targets.ts';
import { declaredAllergens, withoutAllergens } from './allergens.ts';
import { planLocally } from './local-planner.ts';
import type { PlanDayDraft } from './planning-service.ts';
import type { NewPlan, PlanReason } from './plan-store.ts';

/** A plan covers a week from the day it is made, unless the member asks for fewer days. */
export const PLAN_DAYS = 7;

/** A stable number from a member id and a day, so the same week is planned the same way. */
const seedOf = (text: string) => [...text].reduce((hash, c) => (hash * 31 + c.charCodeAt(0)) >>> 0, 7);

/**
 * A week of meals for the member's targets: from the planning service when one is configured and
 * answers, else built here from reference foods (`source: fallback`). Either way, every item that
 * contains a declared allergen is taken out before the plan goes anywhere. Only a member who has
 * spent their own allowance of AI plans is refused (when they asked; the weekly refresh falls back).
 */
export async function makePlan(
  { planning, foods, logger }: Pick<NutritionDeps, 'planning' | 'foods' | 'logger'>,
  member: Member,
  reason: PlanReason,
  days = PLAN_DAYS,
): Promise<NewPlan> {
  const targets = dailyTargets(member);
  const timezone = knownTimezone(member.timezone);
  const startsOn = dayIn(timezone, new Date());
  const allergies = declaredAllergens(member.allergies);
  let drafts: PlanDayDraft[] | undefined;
  let source: NewPlan['source'] = 'fallback';
  if (planning) {
    try {
      ({ days: drafts, source } = await planning({
        userId: member.userId,
        startsOn,
        days,
        timezone,
        targets,
        goal: member.goal,
        allergies,
      }));
    } catch (error) {
      if (
        reason === 'requested' &&
        error instanceof AppError &&
        error.code === CommonErrorCodes.MEMBER_QUOTA_EXHAUSTED
      )
        throw error;
      logger.warn(
        { err: error, userId: member.userId },
        'meal planning service unavailable; planning locally',
      );
    }
  }
  drafts ??= planLocally(foods, {
    startsOn,
    days,
    targets,
    allergies,
    seed: seedOf(`${member.userId}:${startsOn}`),
  });
  return {
    userId: member.userId,
    source,
    reason,
    timezone,
    startsOn,
    targets,
    excludedAllergens: allergies,
    days: withoutAllergens(drafts, allergies),
  };
}
