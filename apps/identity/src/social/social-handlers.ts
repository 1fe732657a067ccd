import { SocialErrors, social } from '@nxg/contracts';
import { AppError, bind, decodeCursor, requireUser, toPage, type Binding } from '@nxg/platform';
import type { IdentityDeps } from '../deps.ts';
import {
  announceBlock,
  announceFollow,
  announcePrivacy,
  followPage,
  isBlockedEitherWay,
  lockPair,
  memberNamed,
  privacyOf,
  refuseSelf,
} from './social-store.ts';

/**
 * Now, in the whole milliseconds the API shows: the lists' cursor is (since, id) at that
 * precision, so a finer stored instant would let the next page skip rows of the same millisecond.
 */
const NOW_MS = `date_trunc('milliseconds', now())`;

const noRequest = () =>
  new AppError(404, SocialErrors.FOLLOW_REQUEST_NOT_FOUND, 'No request from this member is waiting');

/**
 * Follows, follow requests, blocks and privacy settings. Every change is written with its event
 * in one transaction, the two members' lock held, so a follow and a block never cross.
 */
export function socialBindings({ db }: IdentityDeps): Binding[] {
  /** Runs a change between the caller and another member under their pair lock, then relays its events. */
  const betweenPair = async <T>(me: string, other: string, work: Parameters<typeof db.transaction<T>>[0]) => {
    const result = await db.transaction(async (tx) => {
      await lockPair(tx, me, other);
      return work(tx);
    });
    return result;
  };

  return [
    bind(social.follow, async ({ userId }, ctx) => {
      const me = requireUser(ctx);
      refuseSelf(me, userId);
      return betweenPair(me, userId, async (tx) => {
        const followee = await memberNamed(tx, userId);
        if (await isBlockedEitherWay(tx, me, userId)) {
          throw new AppError(403, SocialErrors.BLOCKED, 'A block between you prevents following');
        }
        const [existing] = await tx.query<{ status: 'pending' | 'accepted' }>(
          'SELECT status FROM follows WHERE follower_id = $1 AND followee_id = $2',
          [me, userId],
        );
        if (existing) return { userId, status: existing.status };
        const { profile } = await privacyOf(tx, userId);
        const status = profile === 'public' ? 'accepted' : 'pending';
        await tx.query(
          `INSERT INTO follows (follower_id, followee_id, status, since) VALUES ($1, $2, $3, ${NOW_MS})`,
          [me, userId, status],
        );
        const follower = await memberNamed(tx, me);
        await announceFollow(
          tx,
          follower,
          followee,
          status,
          status === 'accepted' ? 'followed' : 'requested',
        );
        return { userId, status };
      });
    }),

    bind(social.unfollow, async ({ userId }, ctx) => {
      const me = requireUser(ctx);
      await betweenPair(me, userId, async (tx) => {
        const gone = await tx.query(
          'DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING 1',
          [me, userId],
        );
        if (!gone.length) return;
        await announceFollow(
          tx,
          await memberNamed(tx, me),
          await memberNamed(tx, userId),
          'removed',
          'unfollowed',
        );
      });
    }),

    bind(social.removeFollower, async ({ userId }, ctx) => {
      const me = requireUser(ctx);
      await betweenPair(me, userId, async (tx) => {
        const gone = await tx.query(
          `DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 AND status = 'accepted' RETURNING 1`,
          [userId, me],
        );
        if (!gone.length) return;
        await announceFollow(
          tx,
          await memberNamed(tx, userId),
          await memberNamed(tx, me),
          'removed',
          'removed',
        );
      });
    }),

    bind(social.followers, ({ limit = 20, cursor }, ctx) =>
      followPage(db, requireUser(ctx), 'followee', ['accepted'], limit, cursor),
    ),
    bind(social.following, ({ limit = 20, cursor }, ctx) =>
      followPage(db, requireUser(ctx), 'follower', ['accepted', 'pending'], limit, cursor),
    ),
    bind(social.followRequests, ({ limit = 20, cursor }, ctx) =>
      followPage(db, requireUser(ctx), 'followee', ['pending'], limit, cursor),
    ),

    bind(social.approveRequest, async ({ userId }, ctx) => {
      const me = requireUser(ctx);
      return betweenPair(me, userId, async (tx) => {
        const [row] = await tx.query<{ since: Date }>(
          `UPDATE follows SET status = 'accepted', since = ${NOW_MS}
           WHERE follower_id = $1 AND followee_id = $2 AND status = 'pending' RETURNING since`,
          [userId, me],
        );
        if (!row) throw noRequest();
        const follower = await memberNamed(tx, userId);
        await announceFollow(tx, follower, await memberNamed(tx, me), 'accepted', 'approved');
        return {
          userId,
          name: follower.name,
          username: follower.username,
          status: 'accepted' as const,
          since: new Date(row.since).toISOString(),
        };
      });
    }),

    bind(social.declineRequest, async ({ userId }, ctx) => {
      const me = requireUser(ctx);
      await betweenPair(me, userId, async (tx) => {
        const gone = await tx.query(
          `DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 AND status = 'pending' RETURNING 1`,
          [userId, me],
        );
        if (!gone.length) throw noRequest();
        await announceFollow(
          tx,
          await memberNamed(tx, userId),
          await memberNamed(tx, me),
          'removed',
          'declined',
        );
      });
    }),

    bind(social.block, async ({ userId }, ctx) => {
      const me = requireUser(ctx);
      refuseSelf(me, userId);
      await betweenPair(me, userId, async (tx) => {
        const other = await memberNamed(tx, userId);
        const added = await tx.query(
          `INSERT INTO blocks (blocker_id, blocked_id, since) VALUES ($1, $2, ${NOW_MS}) ON CONFLICT DO NOTHING RETURNING 1`,
          [me, userId],
        );
        if (!added.length) return;
        await announceBlock(tx, me, userId, true);
        // Follows both ways end with the block.
        const ended = await tx.query<{ follower_id: string }>(
          `DELETE FROM follows WHERE (follower_id = $1 AND followee_id = $2) OR (follower_id = $2 AND followee_id = $1)
           RETURNING follower_id::text`,
          [me, userId],
        );
        const self = await memberNamed(tx, me);
        for (const { follower_id } of ended) {
          const [follower, followee] = follower_id === me ? [self, other] : [other, self];
          await announceFollow(tx, follower, followee, 'removed', 'blocked');
        }
      });
    }),

    bind(social.unblock, async ({ userId }, ctx) => {
      const me = requireUser(ctx);
      await betweenPair(me, userId, async (tx) => {
        const gone = await tx.query(
          'DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2 RETURNING 1',
          [me, userId],
        );
        if (gone.length) await announceBlock(tx, me, userId, false);
      });
    }),

    bind(social.blocks, async ({ limit = 20, cursor }, ctx) => {
      const me = requireUser(ctx);
      const [since, id] = cursor ? decodeCursor(cursor, 2) : [null, null];
      const rows = await db.query<{ user_id: string; since: Date }>(
        `SELECT blocked_id::text AS user_id, since FROM blocks WHERE blocker_id = $1
           AND ($2::timestamptz IS NULL OR (since, blocked_id::text) < ($2::timestamptz, $3::text))
         ORDER BY since DESC, blocked_id::text DESC LIMIT $4`,
        [me, since, id, limit + 1],
      );
      const items = rows.map((r) => ({ userId: r.user_id, since: new Date(r.since).toISOString() }));
      return toPage(items, limit, (last) => [last.since, last.userId]);
    }),

    bind(social.getPrivacy, async (_input, ctx) => privacyOf(db, requireUser(ctx))),

    bind(social.setPrivacy, async ({ profile, activity }, ctx) => {
      const me = requireUser(ctx);
      await db.transaction(async (tx) => {
        await memberNamed(tx, me);
        await tx.query(
          `INSERT INTO privacy_settings (user_id, profile, activity, updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (user_id) DO UPDATE SET profile = EXCLUDED.profile, activity = EXCLUDED.activity,
             updated_at = EXCLUDED.updated_at`,
          [me, profile, activity],
        );
        await announcePrivacy(tx, me, { profile, activity });
      });
      return { profile, activity };
    }),
  ];
}
