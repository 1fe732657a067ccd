import { analyticsEvents } from '@nxg/contracts';
import { enqueueEvent, type Queryable } from '@nxg/platform';
import { v7 as uuidv7 } from 'uuid';
import type { AchievementRule, PointsRule } from './rules.ts';

export interface Award {
  rule: PointsRule;
  userId: string;
  /** What is rewarded once: a set's log id, a day, `first`. */
  occasion: string;
  /** The event that earned it. */
  sourceEventId: string;
  /** When the rewarded activity happened (the leaderboard period it counts in). */
  occurredAt: string;
  branchId?: string | null;
  sessionId?: string | null;
}

/**
 * Writes an award to the ledger and its event to the outbox, unless the ledger already holds one
 * for this rule and event, or this rule and occasion (a redelivered or replayed event): then
 * nothing happens and it answers false.
 */
export async function award(tx: Queryable, a: Award): Promise<boolean> {
  const id = uuidv7();
  const inserted = await tx.query(
    `INSERT INTO points_ledger (id, user_id, rule_id, rule_version, occasion, points, reason, source_event_id,
       branch_id, session_id, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING RETURNING id`,
    [
      id,
      a.userId,
      a.rule.id,
      a.rule.version,
      a.occasion,
      a.rule.points,
      a.rule.reason,
      a.sourceEventId,
      a.branchId ?? null,
      a.sessionId ?? null,
      a.occurredAt,
    ],
  );
  if (!inserted.length) return false;
  await enqueueEvent(tx, {
    event: analyticsEvents.pointsAwarded,
    subject: a.userId,
    data: {
      userId: a.userId,
      awardId: id,
      ruleId: a.rule.id,
      ruleVersion: a.rule.version,
      points: a.rule.points,
      reason: a.rule.reason,
      sourceEventId: a.sourceEventId,
      branchId: a.branchId ?? null,
      at: new Date(a.occurredAt).toISOString(),
    },
  });
  return true;
}

/** Unlocks an achievement once per member, announcing it; false when it was already unlocked. */
export async function unlock(
  tx: Queryable,
  achievement: AchievementRule,
  userId: string,
  sourceEventId: string,
  at: string,
): Promise<boolean> {
  const inserted = await tx.query(
    `INSERT INTO achievements (user_id, code, rule_version, source_event_id, unlocked_at)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING code`,
    [userId, achievement.code, achievement.version, sourceEventId, at],
  );
  if (!inserted.length) return false;
  await enqueueEvent(tx, {
    event: analyticsEvents.achievementUnlocked,
    subject: userId,
    data: {
      userId,
      code: achievement.code,
      ruleVersion: achievement.version,
      sourceEventId,
      at: new Date(at).toISOString(),
    },
  });
  return true;
}
