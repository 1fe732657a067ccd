import { analyticsEvents } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { announce } from '../rebuild/replaying.ts';
import { awardAll, unlockAll, type Award, type Unlock } from '../points/ledger-store.ts';
import { achievementRules, pointsRules } from '../points/rules.ts';
import type { RecordCandidate } from './record-candidates.ts';
import { recordKey, recordValuesOf, saveRecords, type RecordRow, type SetFacts } from './records-store.ts';

/** What a logged set or a machine workout could be a record of, and the event that said so. */
export interface RecordAttempt {
  facts: SetFacts;
  candidates: RecordCandidate[];
  eventId: string;
  sessionId?: string | null;
  branchId?: string | null;
}

/**
 * Judges attempts in their order (a batch of events, stream order), as if they came one by one:
 * each candidate that beats the member's record (or an earlier attempt's) is kept and announced
 * (`analytics.record.set`); an attempt that beat anything earns the record's points once per set
 * or link and, the first time, the achievement. A first value of an exercise only opens its
 * records; an equal value is no record, so a redelivered event changes nothing. The caller holds
 * the members' locks; a few statements for the whole batch.
 */
export async function judgeRecords(tx: Queryable, attempts: readonly RecordAttempt[]): Promise<void> {
  const judged = attempts.filter((a) => a.candidates.length > 0);
  if (judged.length === 0) return;
  const best = await recordValuesOf(
    tx,
    judged.map((a) => a.facts),
  );
  const kept = new Map<string, RecordRow>();
  const announced: Parameters<typeof announce>[1] = [];
  const awards: Award[] = [];
  const unlocks: Unlock[] = [];
  for (const { facts, candidates, eventId, sessionId, branchId } of judged) {
    let beaten = false;
    for (const candidate of candidates) {
      const row: RecordRow = {
        ...facts,
        kind: candidate.kind,
        weightKey: candidate.weightKey,
        value: candidate.value,
      };
      const key = recordKey(row);
      const previous = best.get(key);
      if (previous !== undefined && previous >= candidate.value) continue;
      best.set(key, candidate.value);
      kept.set(key, row);
      if (previous === undefined) continue;
      beaten = true;
      announced.push({
        event: analyticsEvents.recordSet,
        subject: facts.userId,
        data: {
          userId: facts.userId,
          exerciseName: facts.exerciseName,
          kind: candidate.kind,
          value: candidate.value,
          previous,
          weightKg: facts.weightKg,
          reps: facts.reps,
          logId: facts.logId,
          sourceEventId: eventId,
          at: facts.at,
        },
      });
    }
    if (!beaten) continue;
    awards.push({
      rule: pointsRules.personalRecord,
      userId: facts.userId,
      occasion: facts.logId,
      sourceEventId: eventId,
      occurredAt: facts.at,
      sessionId: sessionId ?? null,
      branchId: branchId ?? null,
    });
    unlocks.push({
      achievement: achievementRules.firstRecord,
      userId: facts.userId,
      sourceEventId: eventId,
      at: facts.at,
    });
  }
  await saveRecords(tx, [...kept.values()]);
  await announce(tx, announced);
  await awardAll(tx, awards);
  await unlockAll(tx, unlocks);
}
