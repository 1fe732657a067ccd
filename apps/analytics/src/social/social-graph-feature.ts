import { identityEvents, socialEvents } from '@nxg/contracts';
import { consume, defineFeature, erasureDigest } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { lockMembers } from '../members/member-transaction.ts';
import { socialTransaction } from './social-transaction.ts';
import { eraseSocial, saveBlock, saveFollow, savePrivacy } from './social-graph-store.ts';

/**
 * A copy of identity's follows, blocks and privacy settings, kept from its events so the feed and
 * leaderboards filter at read time without asking identity on every read. A change about two
 * members is dropped if either was erased.
 */
export const socialGraphFeature = defineFeature<AnalyticsDeps>({
  name: 'social-graph',
  consumers: ({ db }) => [
    consume('analytics_social_follow_changed', socialEvents.followChanged, async ({ data }) => {
      await socialTransaction(db, [data.followerId, data.followeeId], (tx) => saveFollow(tx, data));
    }),
    consume('analytics_social_block_changed', socialEvents.blockChanged, async ({ data }) => {
      await socialTransaction(db, [data.blockerId, data.blockedId], (tx) => saveBlock(tx, data));
    }),
    consume('analytics_social_privacy_changed', socialEvents.privacyChanged, async ({ data }) => {
      await socialTransaction(db, [data.userId], (tx) => savePrivacy(tx, data));
    }),
    // Beside members' own erasure (a durable of its own): the member's follows both ways, feed
    // items, kudos given and challenge entries. It remembers the erasure in a table of its own
    // (erased_members is the members feature's: writing it first would make that erasure skip the
    // member), so a follow or block event arriving later is dropped whichever consumer ran first.
    consume('analytics_social_user_deleted', identityEvents.userDeleted, async ({ data }) => {
      await db.transaction(async (tx) => {
        await lockMembers(tx, [data.userId]);
        await eraseSocial(tx, data.userId);
        await tx.query(
          'INSERT INTO social_erased (user_digest, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [erasureDigest(data.userId), data.deletedAt],
        );
      });
    }),
  ],
});
