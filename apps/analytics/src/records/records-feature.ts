import { analytics, machineEvents, workoutEvents } from '@nxg/contracts';
import { bind, consume, consumeBatch, defineFeature, requireUser } from '@nxg/platform';
import { metValueFor } from '@nxg/reference-data';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember, EVENTS_PER_BATCH } from '../members/member-order.ts';
import { membersTransaction, memberTransaction, RECORDS_LOCK_SPACE } from '../members/member-transaction.ts';
import { judgeRecords } from './judge-records.ts';
import { cardioActivityOf, cardioCandidates, recordCandidates } from './record-candidates.ts';
import { recordsOf, type SetFacts } from './records-store.ts';

/**
 * Personal records per exercise from logged sets (heaviest, estimated 1RM, most reps at a weight),
 * and cardio records per activity from machine workouts' totals (longest distance, fastest average
 * speed), each beaten record announced and worth points.
 */
export const recordsFeature = defineFeature<AnalyticsDeps>({
  name: 'records',
  consumers: ({ db, outbox }) => [
    consumeBatch(
      'analytics_records_exercise_logged',
      workoutEvents.exerciseLogged,
      async (events) => {
        await membersTransaction(
          db,
          events.map((e) => e.data.userId),
          (tx, kept) =>
            judgeRecords(
              tx,
              events
                .filter((e) => kept.has(e.data.userId))
                .map(({ id, data }) => ({
                  facts: { ...data, at: new Date(data.at).toISOString() },
                  candidates: recordCandidates(data),
                  eventId: id,
                  sessionId: data.sessionId,
                })),
            ),
          { shared: true, ownSpace: RECORDS_LOCK_SPACE },
        );
        outbox.kick();
      },
      { max: EVENTS_PER_BATCH },
    ),
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
