import { analytics, analyticsEvents, workoutEvents } from '@nxg/contracts';
import { bind, consume, defineFeature, enqueueEvent, requireUser } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember } from '../members/member-order.ts';
import { memberTransaction } from '../members/member-transaction.ts';
import { award, unlock } from '../points/ledger-store.ts';
import { achievementRules, pointsRules } from '../points/rules.ts';
import { recordCandidates } from './record-candidates.ts';
import { keepIfRecord, recordsOf } from './records-store.ts';

/**
 * Personal records per exercise from logged sets. A set that beats a record the member already
 * had is announced (`analytics.record.set`) and earns points; a member's first set of an exercise
 * only opens its records.
 */
export const recordsFeature = defineFeature<AnalyticsDeps>({
  name: 'records',
  consumers: ({ db, outbox }) => [
    consume(
      'analytics_records_exercise_logged',
      workoutEvents.exerciseLogged,
      async ({ id, data }) => {
        const set = { ...data, at: new Date(data.at).toISOString() };
        await memberTransaction(db, data.userId, async (tx) => {
          let beaten = false;
          for (const candidate of recordCandidates(data)) {
            const kept = await keepIfRecord(tx, set, candidate);
            if (!kept || kept.previous === null) continue;
            beaten = true;
            await enqueueEvent(tx, {
              event: analyticsEvents.recordSet,
              subject: data.userId,
              data: {
                userId: data.userId,
                exerciseName: data.exerciseName,
                kind: candidate.kind,
                value: candidate.value,
                previous: kept.previous,
                weightKg: data.weightKg,
                reps: data.reps,
                logId: data.logId,
                sourceEventId: id,
                at: set.at,
              },
            });
          }
          if (!beaten) return;
          await award(tx, {
            rule: pointsRules.personalRecord,
            userId: data.userId,
            occasion: data.logId,
            sourceEventId: id,
            occurredAt: set.at,
            sessionId: data.sessionId,
          });
          await unlock(tx, achievementRules.firstRecord, data.userId, id, set.at);
        });
        outbox.kick();
      },
      byMember,
    ),
  ],
  operations: ({ db }) => [
    bind(analytics.personalRecords, async (_input, ctx) => ({
      items: await recordsOf(db, requireUser(ctx)),
    })),
  ],
});
