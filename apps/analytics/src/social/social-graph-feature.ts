import { identityEvents, socialEvents } from '@nxg/contracts';
import { consume, defineFeature, type Database, type Queryable } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { erasedDigest, memberTransaction } from '../members/member-transaction.ts';
import { eraseSocial, saveBlock, saveFollow, savePrivacy } from './social-graph-store.ts';

/** The member lock's key space (members/member-transaction.ts): erasure and events take turns on it. */
const MEMBER_LOCK_SPACE = 8084;

/**
 * Runs `work` holding both members' locks (in one order, so two such transactions never deadlock)
 * unless either member was erased: a change about an erased member is dropped.
 */
async function pairTransaction(db: Database, members: string[], work: (tx: Queryable) => Promise<void>) {
  await db.transaction(async (tx) => {
    for (const userId of [...members].sort()) {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MEMBER_LOCK_SPACE, userId]);
    }
    const erased = await tx.query('SELECT 1 FROM erased_members WHERE user_digest = ANY($1::text[])', [
      members.map(erasedDigest),
    ]);
    if (!erased.length) await work(tx);
  });
}

/**
 * A copy of identity's follows, blocks and privacy settings, kept from its events so the feed and
 * leaderboards filter at read time without asking identity on every read. A change about two
 * members is dropped if either was erased.
 */
export const socialGraphFeature = defineFeature<AnalyticsDeps>({
  name: 'social-graph',
  consumers: ({ db }) => [
    consume('analytics_social_follow_changed', socialEvents.followChanged, async ({ data }) => {
      await pairTransaction(db, [data.followerId, data.followeeId], (tx) => saveFollow(tx, data));
    }),
    consume('analytics_social_block_changed', socialEvents.blockChanged, async ({ data }) => {
      await pairTransaction(db, [data.blockerId, data.blockedId], (tx) => saveBlock(tx, data));
    }),
    consume('analytics_social_privacy_changed', socialEvents.privacyChanged, async ({ data }) => {
      await memberTransaction(db, data.userId, (tx) => savePrivacy(tx, data));
    }),
    // Beside members' own erasure (a durable of its own): the member's follows both ways, feed
    // items, kudos given and challenge entries. It also remembers the erasure, so a follow event
    // arriving after it is dropped whichever of the two erasure consumers ran first.
    consume('analytics_social_user_deleted', identityEvents.userDeleted, async ({ data }) => {
      await db.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MEMBER_LOCK_SPACE, data.userId]);
        await eraseSocial(tx, data.userId);
        await tx.query(
          'INSERT INTO erased_members (user_digest, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [erasedDigest(data.userId), data.deletedAt],
        );
      });
    }),
  ],
});
