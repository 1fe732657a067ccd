import type { analyticsEvents } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import type { Static } from 'typebox';
import { isErased } from '../members/erased.ts';

type PointsAwarded = Static<typeof analyticsEvents.pointsAwarded.data>;

/** Totals worth telling a member about. */
export const POINTS_MILESTONES = [100, 250, 500, 1000, 2500, 5000, 10_000, 25_000, 50_000, 100_000];

/**
 * Awards older than this build the total but are not told: the consumer reads the whole stream
 * when it is first deployed, and a milestone from weeks ago is no news.
 */
export const MILESTONE_NEWS_MS = 24 * 3600_000;

/**
 * Adds an award to the member's total once (keyed by award id, so a redelivery adds nothing) and
 * returns the highest milestone it crossed, if any and if recent. The total's row lock orders
 * concurrent awards of one member, so each crossing is seen by exactly one of them.
 */
export async function milestoneReached(
  tx: Queryable,
  award: PointsAwarded,
  now = Date.now(),
): Promise<number | undefined> {
  if (await isErased(tx, award.userId)) return undefined;
  const added = await tx.query(
    `INSERT INTO points_awards (award_id, user_id, points) VALUES ($1, $2, $3)
     ON CONFLICT (award_id) DO NOTHING RETURNING award_id`,
    [award.awardId, award.userId, award.points],
  );
  if (added.length === 0) return undefined;
  const [row] = await tx.query<{ total: string }>(
    `INSERT INTO member_points (user_id, total) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET total = member_points.total + EXCLUDED.total
     RETURNING total`,
    [award.userId, award.points],
  );
  const total = Number(row!.total);
  const before = total - award.points;
  const crossed = POINTS_MILESTONES.filter((m) => before < m && m <= total).at(-1);
  if (crossed === undefined || now - new Date(award.at).getTime() > MILESTONE_NEWS_MS) return undefined;
  return crossed;
}
