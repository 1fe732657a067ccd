import { analytics, analyticsEvents, machineEvents, workoutEvents } from '@nxg/contracts';
import { bind, consume, defineFeature, enqueueEvent, requireUser, type Queryable } from '@nxg/platform';
import { metValueFor } from '@nxg/reference-data';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember } from '../members/member-order.ts';
import { memberTransaction } from '../members/member-transaction.ts';
import { award, unlock } from '../points/ledger-store.ts';
import { achievementRules, pointsRules } from '../points/rules.ts';
import {
  cardioActivityOf,
  cardioCandidates,
  recordCandidates,
  type RecordCandidate,
} from './record-candidates.ts';
import { keepIfRecord, recordsOf, type SetFacts } from './records-store.ts';

/**
 * Keeps each candidate that beats the member's record and announces it (`analytics.record.set`);
 * anything beaten earns the record's points once per set or link. A first value of an exercise
 * only opens its records.
 */
async function judge(
  tx: Queryable,
  facts: SetFacts,
  candidates: RecordCandidate[],
  source: { eventId: string; sessionId?: string | null; branchId?: string | null },
): Promise<void> {
  let beaten = false;
  for (const candidate of candidates) {
    const kept = await keepIfRecord(tx, facts, candidate);
    if (!kept || kept.previous === null) continue;
    beaten = true;
    await enqueueEvent(tx, {
      event: analyticsEvents.recordSet,
      subject: facts.userId,
      data: {
        userId: facts.userId,
        exerciseName: facts.exerciseName,
        kind: candidate.kind,
        value: candidate.value,
        previous: kept.previous,
        weightKg: facts.weightKg,
        reps: facts.reps,
        logId: facts.logId,
        sourceEventId: source.eventId,
        at: facts.at,
      },
    });
  }
  if (!beaten) return;
  await award(tx, {
    rule: pointsRules.personalRecord,
    userId: facts.userId,
    occasion: facts.logId,
    sourceEventId: source.eventId,
    occurredAt: facts.at,
    sessionId: source.sessionId ?? null,
    branchId: source.branchId ?? null,
  });
  await unlock(tx, achievementRules.firstRecord, facts.userId, source.eventId, facts.at);
}

/**
 * Personal records per exercise from logged sets (heaviest, estimated 1RM, most reps at a weight),
 * and cardio records per activity from machine workouts' totals (longest distance, fastest average
 * speed), each beaten record announced and worth points.
 */
export const recordsFeature = defineFeature<AnalyticsDeps>({
  name: 'records',
  consumers: ({ db, outbox }) => [
    consume(
      'analytics_records_exercise_logged',
      workoutEvents.exerciseLogged,
      async ({ id, data }) => {
        const set = { ...data, at: new Date(data.at).toISOString() };
        await memberTransaction(db, data.userId, (tx) =>
          judge(tx, set, recordCandidates(data), { eventId: id, sessionId: data.sessionId }),
        );
        outbox.kick();
      },
      byMember,
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
          judge(tx, facts, cardioCandidates(workout), { eventId: id, branchId: data.branchId }),
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
