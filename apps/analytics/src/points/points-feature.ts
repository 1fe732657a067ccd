import { analytics, machineEvents, workoutEvents } from '@nxg/contracts';
import { bind, consume, decodeCursor, defineFeature, requireUser, toPage } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember } from '../members/member-order.ts';
import { memberTransaction } from '../members/member-transaction.ts';
import { memberDayOf } from '../members/member-time-zones.ts';
import { award, unlock } from './ledger-store.ts';
import { achievementsOf, ledgerPage, pointsTotal } from './points-store.ts';
import { achievementRules, pointsRules, STREAK_DAYS, streakAchievements } from './rules.ts';
import { markTrainingDay, runThrough, streakEndsThrough, trainingDaysAround } from './training-days.ts';

/** Longest streak an achievement asks for: the days read either side of a new training day. */
const STREAK_SPAN = Math.max(STREAK_DAYS, ...streakAchievements.map((a) => a.streakDays ?? 0));

/**
 * Points and achievements: rules applied to workout's and machine-hub's events, into a ledger
 * where each award cites its event (so replays award nothing twice); the member's total, ledger
 * and achievements.
 */
export const pointsFeature = defineFeature<AnalyticsDeps>({
  name: 'points',
  consumers: ({ db, outbox }) => [
    consume(
      'analytics_points_exercise_logged',
      workoutEvents.exerciseLogged,
      async ({ id, data }) => {
        const { userId, sessionId, at } = data;
        await memberTransaction(db, userId, async (tx) => {
          await award(tx, {
            rule: pointsRules.setLogged,
            userId,
            occasion: data.logId,
            sourceEventId: id,
            occurredAt: at,
            sessionId,
          });
          const day = await memberDayOf(tx, userId, at);
          await markTrainingDay(tx, userId, { day, eventId: id, sessionId, at });
          const days = await trainingDaysAround(tx, userId, day, STREAK_SPAN);
          const today = days.get(day)!;
          await award(tx, {
            rule: pointsRules.workoutDay,
            userId,
            occasion: day,
            sourceEventId: today.eventId,
            occurredAt: today.at,
            sessionId: today.sessionId,
          });
          await unlock(tx, achievementRules.firstWorkout, userId, id, at);
          // Each streak day cites the event that made it a training day, so one event may complete several.
          for (const end of streakEndsThrough(days, day, STREAK_DAYS)) {
            const ending = days.get(end)!;
            await award(tx, {
              rule: pointsRules.streakDay,
              userId,
              occasion: end,
              sourceEventId: ending.eventId,
              occurredAt: ending.at,
              sessionId: ending.sessionId,
            });
          }
          const run = runThrough(days, day);
          for (const streak of streakAchievements) {
            if (run >= streak.streakDays!) await unlock(tx, streak, userId, id, at);
          }
        });
        outbox.kick();
      },
      byMember,
    ),
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
        outbox.kick();
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
