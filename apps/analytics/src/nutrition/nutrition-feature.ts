import { analytics, nutritionEvents } from '@nxg/contracts';
import { bind, consume, defineFeature, requireUser } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember } from '../members/member-order.ts';
import { memberTimeZone, memberTransaction } from '../members/member-transaction.ts';
import { dayIn, periodContaining } from '../periods.ts';
import { award } from '../points/ledger-store.ts';
import { pointsRules } from '../points/rules.ts';
import { nutritionSummary } from './nutrition-summary.ts';
import { saveMealDeleted, saveMealLogged, savePlan } from './nutrition-store.ts';

/**
 * Nutrition progress: meals and meal plans kept from nutrition's events (meals on the member's
 * local day as nutrition dated them), planned against logged and eaten against the plan's targets
 * per day; a logged meal earns points once per meal type and day.
 */
export const nutritionFeature = defineFeature<AnalyticsDeps>({
  name: 'nutrition',
  consumers: ({ db }) => [
    consume(
      'analytics_meal_logged',
      nutritionEvents.mealLogged,
      async ({ id, data }) => {
        await memberTransaction(db, data.userId, async (tx) => {
          // Awarded whatever became of the meal: the removal may be judged before or after it (two
          // consumers), and the ledger must not depend on which. Once per type and day bounds it.
          await saveMealLogged(tx, data);
          await award(tx, {
            rule: pointsRules.mealLogged,
            userId: data.userId,
            occasion: `${data.localDate}:${data.mealType}`,
            sourceEventId: id,
            occurredAt: data.eatenAt,
          });
        });
      },
      byMember,
    ),
    consume(
      'analytics_meal_deleted',
      nutritionEvents.mealDeleted,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) => saveMealDeleted(tx, data));
      },
      byMember,
    ),
    consume(
      'analytics_nutrition_plan_generated',
      nutritionEvents.planGenerated,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) => savePlan(tx, data));
      },
      byMember,
    ),
  ],
  operations: ({ db }) => [
    bind(analytics.nutritionSummary, async ({ period = 'week', from }, ctx) => {
      const userId = requireUser(ctx);
      const timeZone = await memberTimeZone(db, userId);
      const range = periodContaining(period, from ?? dayIn(timeZone, new Date()));
      return nutritionSummary(db, userId, timeZone, period, range);
    }),
  ],
});
