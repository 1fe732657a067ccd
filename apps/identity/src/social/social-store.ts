import {
  IdentityErrors,
  SocialErrors,
  socialEvents,
  type Audience,
  type EventData,
  type FollowEntry,
  type PrivacySettings,
  type SocialExport,
} from '@nxg/contracts';
import { AppError, decodeCursor, enqueueEvent, toPage, type Queryable } from '@nxg/platform';

/** What a member's privacy is until they change it: anyone may follow, followers see the activity. */
export const DEFAULT_PRIVACY: PrivacySettings = { profile: 'public', activity: 'followers' };

/** The first key of the advisory lock two members' follows and blocks take turns on. */
const PAIR_LOCK_SPACE = 8082;

/** Serialises every change between two members (follow, approve, block) whoever starts it. */
export async function lockPair(tx: Queryable, a: string, b: string): Promise<void> {
  const key = a < b ? `${a}:${b}` : `${b}:${a}`;
  await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [PAIR_LOCK_SPACE, key]);
}

export interface Member {
  [column: string]: unknown; // a query row
  id: string;
  name: string;
  username: string;
}

/** The member, or the caller's 404 (unknown or erased). */
export async function memberNamed(tx: Queryable, userId: string): Promise<Member> {
  const [row] = await tx.query<Member>('SELECT id::text, name, username FROM users WHERE id = $1', [userId]);
  if (!row) throw new AppError(404, IdentityErrors.USER_NOT_FOUND, 'No such member');
  return row;
}

export function refuseSelf(a: string, b: string): void {
  if (a === b) throw new AppError(400, SocialErrors.SELF_NOT_ALLOWED, 'Not with yourself');
}

export async function privacyOf(tx: Queryable, userId: string): Promise<PrivacySettings> {
  const [row] = await tx.query<{ profile: Audience; activity: Audience }>(
    'SELECT profile, activity FROM privacy_settings WHERE user_id = $1',
    [userId],
  );
  return row ? { profile: row.profile, activity: row.activity } : DEFAULT_PRIVACY;
}

export async function isBlockedEitherWay(tx: Queryable, a: string, b: string): Promise<boolean> {
  const rows = await tx.query(
    `SELECT 1 FROM blocks WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1)`,
    [a, b],
  );
  return rows.length > 0;
}

const nextSeq = async (tx: Queryable) =>
  Number((await tx.query<{ seq: string }>("SELECT nextval('social_changes')::text AS seq"))[0]!.seq);

type FollowReason = EventData<typeof socialEvents.followChanged>['reason'];

/** Announces where a follow stands now (the copy in analytics and the notifications follow it). */
export async function announceFollow(
  tx: Queryable,
  follower: Member,
  followee: Member,
  status: 'pending' | 'accepted' | 'removed',
  reason: FollowReason,
): Promise<void> {
  await enqueueEvent(tx, {
    event: socialEvents.followChanged,
    subject: followee.id,
    data: {
      followerId: follower.id,
      followeeId: followee.id,
      status,
      reason,
      followerName: follower.name,
      followeeName: followee.name,
      seq: await nextSeq(tx),
      at: new Date().toISOString(),
    },
  });
}

export async function announceBlock(tx: Queryable, blockerId: string, blockedId: string, blocked: boolean) {
  await enqueueEvent(tx, {
    event: socialEvents.blockChanged,
    subject: blockerId,
    data: { blockerId, blockedId, blocked, seq: await nextSeq(tx), at: new Date().toISOString() },
  });
}

export async function announcePrivacy(tx: Queryable, userId: string, settings: PrivacySettings) {
  await enqueueEvent(tx, {
    event: socialEvents.privacyChanged,
    subject: userId,
    data: { userId, ...settings, seq: await nextSeq(tx), at: new Date().toISOString() },
  });
}

interface FollowRow {
  user_id: string;
  name: string;
  username: string;
  status: FollowEntry['status'];
  since: Date;
  [key: string]: unknown;
}

const toEntry = (r: FollowRow): FollowEntry => ({
  userId: r.user_id,
  name: r.name,
  username: r.username,
  status: r.status,
  since: new Date(r.since).toISOString(),
});

/**
 * One page of a member's follows, newest first: `side` says whether the member is the followee
 * (their followers or requests) or the follower (whom they follow); the cursor is (since, id).
 */
export async function followPage(
  db: Queryable,
  userId: string,
  side: 'followee' | 'follower',
  statuses: FollowEntry['status'][],
  limit: number,
  cursor?: string,
): Promise<{ items: FollowEntry[]; nextCursor: string | null }> {
  const [since, id] = cursor ? decodeCursor(cursor, 2) : [null, null];
  const other = side === 'followee' ? 'follower_id' : 'followee_id';
  const rows = await db.query<FollowRow>(
    `SELECT u.id::text AS user_id, u.name, u.username, f.status, f.since
     FROM follows f JOIN users u ON u.id = f.${other}
     WHERE f.${side}_id = $1 AND f.status = ANY($2::text[])
       AND ($3::timestamptz IS NULL OR (f.since, f.${other}::text) < ($3::timestamptz, $4::text))
     ORDER BY f.since DESC, f.${other}::text DESC LIMIT $5`,
    [userId, statuses, since, id, limit + 1],
  );
  return toPage(rows.map(toEntry), limit, (last) => [last.since, last.userId]);
}

/** Everything social identity holds about a member, for their data export. */
export async function socialExport(db: Queryable, userId: string): Promise<SocialExport> {
  const all = 10_000;
  const [privacy, following, followers, requests, blocks] = await Promise.all([
    privacyOf(db, userId),
    followPage(db, userId, 'follower', ['accepted', 'pending'], all),
    followPage(db, userId, 'followee', ['accepted'], all),
    followPage(db, userId, 'followee', ['pending'], all),
    db.query<{ user_id: string; since: Date }>(
      'SELECT blocked_id::text AS user_id, since FROM blocks WHERE blocker_id = $1 ORDER BY since DESC',
      [userId],
    ),
  ]);
  return {
    privacy,
    following: following.items,
    followers: [...followers.items, ...requests.items],
    blocks: blocks.map((b) => ({ userId: b.user_id, since: new Date(b.since).toISOString() })),
  };
}
