import { analytics, machineEvents } from '@nxg/contracts';
import { bind, consume, defineFeature, requireUser } from '@nxg/platform';
import { metValueFor } from '@nxg/reference-data';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember } from '../members/member-order.ts';
import { memberTransaction } from '../members/member-transaction.ts';
import { judgeRecords } from './judge-records.ts';
import { cardioActivityOf, cardioCandidates } from './record-candidates.ts';
import { recordsOf, type SetFacts } from './records-store.ts';

/**
 * Personal records: the member's records (logged sets' are judged with the sets, in
 * logged-sets-feature), and cardio records per activity from machine workouts' totals (longest
 * distance, fastest average speed), each beaten record announced and worth points.
 */
export const recordsFeature = defineFeature<AnalyticsDeps>({
  name: 'records',
  consumers: ({ db }) => [
    consume(
      'analytics_records_machine_unlinked',
      machineEvents.machineUnlinked,
      async ({ id, data }) => {
        const workout = data.workout;
        if (!workout) return; // a v1 event carries no totals
        const code = metValueFor(workout.machineName, { weighted: false }).code;
        const facts: SetFacts = {
          userId: data.userId,
          exerciseName: cardioActivityOf(workout.machineName, code),
          reps: null,
          weightKg: null,
          logId: data.linkId,
          at: new Date(data.at).toISOString(),
        };
        await memberTransaction(db, data.userId, (tx) =>
          judgeRecords(tx, [
            { facts, candidates: cardioCandidates(workout), eventId: id, branchId: data.branchId },
          ]),
        );
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
