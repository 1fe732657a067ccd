import { analytics, machineEvents } from '@nxg/contracts';
import { bind, consume, decodeCursor, defineFeature, requireUser, toPage } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember } from '../members/member-order.ts';
import { memberTransaction } from '../members/member-transaction.ts';
import { award, unlock } from './ledger-store.ts';
import { achievementsOf, ledgerPage, pointsTotal } from './points-store.ts';
import { achievementRules, pointsRules } from './rules.ts';

/**
 * Points and achievements: rules applied to workout's and machine-hub's events (logged sets' with
 * the sets, in logged-sets-feature), into a ledger where each award cites its event (so replays
 * award nothing twice); the member's total, ledger and achievements.
 */
export const pointsFeature = defineFeature<AnalyticsDeps>({
  name: 'points',
  consumers: ({ db }) => [
    consume(
      'analytics_points_set_completed',
      machineEvents.machineSetCompleted,
      async ({ id, data }) => {
        await memberTransaction(db, data.userId, async (tx) => {
          await award(tx, {
            rule: pointsRules.firstMachineWorkout,
            userId: data.userId,
            occasion: 'first',
            sourceEventId: id,
            occurredAt: data.at,
            branchId: data.branchId,
          });
          await unlock(tx, achievementRules.firstMachineWorkout, data.userId, id, data.at);
        });
      },
      byMember,
    ),
  ],
  operations: ({ db }) => [
    bind(analytics.myPoints, async ({ limit = 20, cursor }, ctx) => {
      const userId = requireUser(ctx);
      const after = cursor ? String(decodeCursor(cursor, 1)[0]) : undefined;
      const [total, rows] = await Promise.all([
        pointsTotal(db, userId),
        ledgerPage(db, userId, limit + 1, after),
      ]);
      return { total, ledger: toPage(rows, limit, (last) => [last.id]) };
    }),
    bind(analytics.myAchievements, async (_input, ctx) => ({
      items: await achievementsOf(db, requireUser(ctx)),
    })),
  ],
});
