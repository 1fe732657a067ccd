import { mealTypes, nutrition, type DayView, type Totals } from '@nxg/contracts';
import { bind, defineFeature, requireUser } from '@nxg/platform';
import type { NutritionDeps } from '../deps.ts';
import { checkLocalDate, knownTimezone } from '../local-days.ts';
import { totalsOf } from '../meals/meal-items.ts';
import { mealsOfDay, toMeal } from '../meals/meal-store.ts';
import { findMember } from '../members/member-store.ts';
import { activePlanRow, toPlan } from '../plans/plan-store.ts';
import { dailyTargets } from '../targets/daily-targets.ts';

/** One day in the member's time zone: what the active plan has for it against what was eaten. */
export const daysFeature = defineFeature<NutritionDeps>({
  name: 'days',
  operations: ({ db }) => [
    bind(nutrition.getDay, async ({ date }, ctx): Promise<DayView> => {
      const userId = requireUser(ctx);
      checkLocalDate(date);
      const member = await findMember(db, userId);
      const timezone = knownTimezone(member.timezone);
      const [rows, planRow] = await Promise.all([
        mealsOfDay(db, userId, date, timezone),
        activePlanRow(db, userId),
      ]);
      const meals = rows.map(toMeal);
      const planDay = planRow
        ? toPlan(planRow, member.allergies).days.find((d) => d.date === date)
        : undefined;
      const perMeal = mealTypes.map((mealType) => {
        const eaten = meals.filter((m) => m.mealType === mealType);
        const planned = planDay?.meals.filter((m) => m.mealType === mealType) ?? [];
        return {
          mealType,
          planned: planned.length ? totalsOf(planned.map((m) => m.totals)) : null,
          eaten: totalsOf(eaten.map((m) => m.totals)),
          mealIds: eaten.map((m) => m.id),
        };
      });
      const plannedTotal: Totals | null = planDay ? planDay.totals : null;
      return {
        date,
        timezone,
        targets: dailyTargets(member),
        planId: planDay ? planRow!.id : null,
        meals: perMeal,
        total: { planned: plannedTotal, eaten: totalsOf(meals.map((m) => m.totals)) },
      };
    }),
  ],
});
