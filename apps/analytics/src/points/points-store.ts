import type { Achievement, PointsAward } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { allAchievements } from './rules.ts';

interface LedgerRow {
  id: string;
  rule_id: string;
  rule_version: number;
  points: number;
  reason: string;
  source_event_id: string;
  occurred_at: Date;
  awarded_at: Date;
  [key: string]: unknown;
}

const toAward = (r: LedgerRow): PointsAward => ({
  id: r.id,
  ruleId: r.rule_id,
  ruleVersion: r.rule_version,
  points: r.points,
  reason: r.reason,
  sourceEventId: r.source_event_id,
  occurredAt: new Date(r.occurred_at).toISOString(),
  awardedAt: new Date(r.awarded_at).toISOString(),
});

/** The member's points: the sum of their ledger, kept with each award (0 without awards). */
export async function pointsTotal(db: Queryable, userId: string): Promise<number> {
  return (await pointsTotals(db, [userId])).get(userId) ?? 0;
}

/** Several members' totals in one statement, by member (none for a member without awards). */
export async function pointsTotals(db: Queryable, userIds: readonly string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ user_id: string; total: number }>(
    'SELECT user_id, total FROM member_points WHERE user_id = ANY($1::text[])',
    [userIds],
  );
  return new Map(rows.map((r) => [r.user_id, r.total]));
}

/**
 * The ledger newest first (award ids are UUIDv7: they sort by when they were made); `after` is
 * the id of the last award of the page before.
 */
export async function ledgerPage(
  db: Queryable,
  userId: string,
  limit: number,
  after?: string,
): Promise<PointsAward[]> {
  const rows = await db.query<LedgerRow>(
    `SELECT * FROM points_ledger WHERE user_id = $1 AND ($3::text IS NULL OR id < $3)
     ORDER BY id DESC LIMIT $2`,
    [userId, limit, after ?? null],
  );
  return rows.map(toAward);
}

/** Every achievement, in catalog order, with when and by which event the member unlocked it. */
export async function achievementsOf(db: Queryable, userId: string): Promise<Achievement[]> {
  const rows = await db.query<{ code: string; source_event_id: string; unlocked_at: Date }>(
    'SELECT code, source_event_id, unlocked_at FROM achievements WHERE user_id = $1',
    [userId],
  );
  const unlocked = new Map(rows.map((r) => [r.code, r]));
  return allAchievements.map((a) => {
    const row = unlocked.get(a.code);
    return {
      code: a.code,
      name: a.name,
      description: a.description,
      unlocked: Boolean(row),
      unlockedAt: row ? new Date(row.unlocked_at).toISOString() : null,
      sourceEventId: row?.source_event_id ?? null,
    };
  });
}
