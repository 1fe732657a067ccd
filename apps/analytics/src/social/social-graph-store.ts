import type { EventData, socialEvents } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';

/**
 * Analytics' copy of identity's follows, blocks and privacy settings. Each write keeps the row
 * only if the event is newer (identity's `seq`) than what the row holds: redelivered, replayed or
 * late events change nothing.
 */

export async function saveFollow(
  tx: Queryable,
  e: EventData<typeof socialEvents.followChanged>,
): Promise<void> {
  await tx.query(
    `INSERT INTO social_follows (follower_id, followee_id, status, seq) VALUES ($1, $2, $3, $4)
     ON CONFLICT (follower_id, followee_id) DO UPDATE SET status = EXCLUDED.status, seq = EXCLUDED.seq
     WHERE social_follows.seq < EXCLUDED.seq`,
    [e.followerId, e.followeeId, e.status, e.seq],
  );
}

export async function saveBlock(
  tx: Queryable,
  e: EventData<typeof socialEvents.blockChanged>,
): Promise<void> {
  await tx.query(
    `INSERT INTO social_blocks (blocker_id, blocked_id, blocked, seq) VALUES ($1, $2, $3, $4)
     ON CONFLICT (blocker_id, blocked_id) DO UPDATE SET blocked = EXCLUDED.blocked, seq = EXCLUDED.seq
     WHERE social_blocks.seq < EXCLUDED.seq`,
    [e.blockerId, e.blockedId, e.blocked, e.seq],
  );
}

export async function savePrivacy(
  tx: Queryable,
  e: EventData<typeof socialEvents.privacyChanged>,
): Promise<void> {
  await tx.query(
    `INSERT INTO social_privacy (user_id, profile, activity, seq) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id) DO UPDATE SET profile = EXCLUDED.profile, activity = EXCLUDED.activity, seq = EXCLUDED.seq
     WHERE social_privacy.seq < EXCLUDED.seq`,
    [e.userId, e.profile, e.activity, e.seq],
  );
}

/** Everything social analytics holds about a member: their copy rows, feed items, kudos and entries. */
export async function eraseSocial(tx: Queryable, userId: string): Promise<void> {
  const statements = [
    'DELETE FROM social_privacy WHERE user_id = $1',
    'DELETE FROM social_follows WHERE follower_id = $1 OR followee_id = $1',
    'DELETE FROM social_blocks WHERE blocker_id = $1 OR blocked_id = $1',
    'DELETE FROM feed_kudos WHERE user_id = $1',
    'DELETE FROM feed_items WHERE user_id = $1',
    'DELETE FROM challenge_entrants WHERE user_id = $1',
    'DELETE FROM challenge_standings WHERE user_id = $1',
    'UPDATE challenges SET created_by = NULL WHERE created_by = $1',
  ];
  for (const sql of statements) await tx.query(sql, [userId]);
}

/**
 * SQL: may the member $viewer see the items of the owner in column `owner`? The owner always;
 * nobody across a block; otherwise as the owner's activity setting says now (no setting yet:
 * followers), `followers` meaning an accepted follow.
 */
export const visibleTo = (owner: string, viewer: string) => `(
  ${owner} = ${viewer} OR (
    NOT EXISTS (SELECT 1 FROM social_blocks sb WHERE sb.blocked
      AND ((sb.blocker_id = ${owner} AND sb.blocked_id = ${viewer}) OR (sb.blocker_id = ${viewer} AND sb.blocked_id = ${owner})))
    AND CASE COALESCE((SELECT sp.activity FROM social_privacy sp WHERE sp.user_id = ${owner}), 'followers')
      WHEN 'public' THEN true
      WHEN 'followers' THEN EXISTS (SELECT 1 FROM social_follows sf
        WHERE sf.follower_id = ${viewer} AND sf.followee_id = ${owner} AND sf.status = 'accepted')
      ELSE false END))`;

/**
 * Leaderboard entries as `viewer` may see them: an entrant who blocked the viewer keeps their
 * rank and figure, without their id or name.
 */
export async function withoutBlockers<E extends { userId: string | null; displayName: string | null }>(
  db: Queryable,
  viewer: string,
  entries: E[],
): Promise<E[]> {
  const ids = entries.map((e) => e.userId).filter((id): id is string => id !== null);
  if (!ids.length) return entries;
  const rows = await db.query<{ blocker_id: string }>(
    'SELECT blocker_id FROM social_blocks WHERE blocked AND blocked_id = $1 AND blocker_id = ANY($2::text[])',
    [viewer, ids],
  );
  const blockers = new Set(rows.map((r) => r.blocker_id));
  return entries.map((e) =>
    e.userId && blockers.has(e.userId) ? { ...e, userId: null, displayName: null } : e,
  );
}
