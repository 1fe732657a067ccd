import { analyticsEvents } from '@nxg/contracts';
import { uuidv7, type Queryable } from '@nxg/platform';
import { announce } from '../rebuild/replaying.ts';
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
  return (await awardAll(tx, [a]))[0]!;
}

/**
 * `award` for several awards in two statements (a batch of events), in their order: which of
 * them were new. Of two in the batch for the same rule and occasion, the first counts. The members'
 * totals grow by what was new, in the same statement (the caller holds their locks).
 */
export async function awardAll(tx: Queryable, awards: readonly Award[]): Promise<boolean[]> {
  if (awards.length === 0) return [];
  const ids = awards.map(() => uuidv7());
  const column = <T>(value: (a: Award, i: number) => T) => awards.map(value);
  const inserted = await tx.query<{ id: string }>(
    `WITH inserted AS (
       INSERT INTO points_ledger (id, user_id, rule_id, rule_version, occasion, points, reason, source_event_id,
         branch_id, session_id, occurred_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::int[], $7::text[],
         $8::text[], $9::text[], $10::text[], $11::timestamptz[])
       ON CONFLICT DO NOTHING RETURNING id, user_id, points
     ), totals AS (
       INSERT INTO member_points (user_id, total)
       SELECT user_id, sum(points) FROM inserted GROUP BY user_id ORDER BY user_id
       ON CONFLICT (user_id) DO UPDATE SET total = member_points.total + EXCLUDED.total
     )
     SELECT id FROM inserted`,
    [
      ids,
      column((a) => a.userId),
      column((a) => a.rule.id),
      column((a) => a.rule.version),
      column((a) => a.occasion),
      column((a) => a.rule.points),
      column((a) => a.rule.reason),
      column((a) => a.sourceEventId),
      column((a) => a.branchId ?? null),
      column((a) => a.sessionId ?? null),
      column((a) => a.occurredAt),
    ],
  );
  const made = new Set(inserted.map((r) => r.id));
  await announce(
    tx,
    awards
      .map((a, i) => ({ a, id: ids[i]! }))
      .filter(({ id }) => made.has(id))
      .map(({ a, id }) => ({
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
      })),
  );
  return ids.map((id) => made.has(id));
}

export interface Unlock {
  achievement: AchievementRule;
  userId: string;
  sourceEventId: string;
  at: string;
}

/** Unlocks an achievement once per member, announcing it; false when it was already unlocked. */
export async function unlock(
  tx: Queryable,
  achievement: AchievementRule,
  userId: string,
  sourceEventId: string,
  at: string,
): Promise<boolean> {
  return (await unlockAll(tx, [{ achievement, userId, sourceEventId, at }]))[0]!;
}

/** `unlock` for several in two statements, in their order; of two for one member, the first counts. */
export async function unlockAll(tx: Queryable, unlocks: readonly Unlock[]): Promise<boolean[]> {
  if (unlocks.length === 0) return [];
  const keyOf = (u: { userId: string; code: string }) => `${u.userId} ${u.code}`;
  const inserted = await tx.query<{ user_id: string; code: string }>(
    `INSERT INTO achievements (user_id, code, rule_version, source_event_id, unlocked_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::timestamptz[])
     ON CONFLICT DO NOTHING RETURNING user_id, code`,
    [
      unlocks.map((u) => u.userId),
      unlocks.map((u) => u.achievement.code),
      unlocks.map((u) => u.achievement.version),
      unlocks.map((u) => u.sourceEventId),
      unlocks.map((u) => u.at),
    ],
  );
  const made = new Set(inserted.map((r) => keyOf({ userId: r.user_id, code: r.code })));
  // Of two with one key, the first was inserted: deleting the key on the first match says so once.
  const unlocked = unlocks.map((u) => made.delete(keyOf({ userId: u.userId, code: u.achievement.code })));
  await announce(
    tx,
    unlocks
      .filter((_, i) => unlocked[i])
      .map((u) => ({
        event: analyticsEvents.achievementUnlocked,
        subject: u.userId,
        data: {
          userId: u.userId,
          code: u.achievement.code,
          ruleVersion: u.achievement.version,
          sourceEventId: u.sourceEventId,
          at: new Date(u.at).toISOString(),
        },
      })),
  );
  return unlocked;
}
