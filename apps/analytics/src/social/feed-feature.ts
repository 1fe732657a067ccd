import {
  analyticsEvents,
  liveSubjects,
  social,
  SocialErrors,
  socialEvents,
  workoutEvents,
} from '@nxg/contracts';
import {
  AppError,
  bind,
  consume,
  defineFeature,
  enqueueEvent,
  publishSigned,
  requireUser,
} from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { isNews } from '../live/live-feature.ts';
import { achievementItem, recordItem, workoutItem } from './feed-items.ts';
import { socialTransaction } from './social-transaction.ts';
import { addFeedItem, feedPage, liveAudience, visibleItem, type NewFeedItem } from './feed-store.ts';

const itemGone = () =>
  new AppError(404, SocialErrors.FEED_ITEM_NOT_FOUND, 'No such feed item, or it is not shown to you');

/**
 * The social feed: items made from analytics' achievements and records and workout's finished
 * sessions, read through each owner's privacy and blocks as they stand when read; kudos once per
 * member and item. A new item goes out on the live feed of those who may see it (while it is news).
 */
export const feedFeature = defineFeature<AnalyticsDeps>({
  name: 'feed',
  consumers: ({ db, nc }) => {
    /** Adds the item of an event published at `time`; pushed live only while it is news. */
    const post = async (item: NewFeedItem, time: string) => {
      const id = await socialTransaction(db, [item.userId], (tx) => addFeedItem(tx, item));
      if (!id) return; // already there (a redelivery), or the owner was erased
      if (!isNews(time)) return; // a backlog after an outage is in the feed, not pushed
      const shown = await visibleItem(db, item.userId, id);
      if (!shown) return;
      const message = JSON.stringify({ type: 'feed.item', at: new Date().toISOString(), data: shown });
      for (const userId of await liveAudience(db, item.userId)) {
        publishSigned(nc, liveSubjects.user(userId), message);
      }
    };
    return [
      consume('analytics_feed_achievement_unlocked', analyticsEvents.achievementUnlocked, ({ data, time }) =>
        post(achievementItem(data), time),
      ),
      consume('analytics_feed_record_set', analyticsEvents.recordSet, ({ data, time }) =>
        post(recordItem(data), time),
      ),
      consume('analytics_feed_session_ended', workoutEvents.sessionEnded, ({ data, time }) =>
        post(workoutItem(data), time),
      ),
    ];
  },
  operations: ({ db }) => {
    const kudosState = async (viewer: string, itemId: string) => {
      const item = await visibleItem(db, viewer, itemId);
      if (!item) throw itemGone();
      return { itemId, kudos: item.kudos, kudosGiven: item.kudosGiven };
    };
    return [
      bind(social.feed, ({ limit = 20, cursor }, ctx) => feedPage(db, requireUser(ctx), limit, cursor)),

      bind(social.giveKudos, async ({ itemId }, ctx) => {
        const me = requireUser(ctx);
        const item = await visibleItem(db, me, itemId);
        if (!item) throw itemGone();
        if (item.userId === me)
          throw new AppError(409, SocialErrors.KUDOS_OWN_ITEM, 'Kudos go to others’ items');
        await socialTransaction(db, [me, item.userId], async (tx) => {
          const given = await tx.query(
            'INSERT INTO feed_kudos (item_id, user_id, given_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING RETURNING 1',
            [itemId, me],
          );
          if (!given.length) return;
          const [from] = await tx.query<{ display_name: string }>(
            'SELECT display_name FROM members WHERE user_id = $1',
            [me],
          );
          await enqueueEvent(tx, {
            event: socialEvents.kudosGiven,
            subject: item.userId,
            data: {
              itemId,
              kind: item.kind,
              title: item.title,
              ownerId: item.userId,
              fromUserId: me,
              fromName: from?.display_name || 'A member',
              at: new Date().toISOString(),
            },
          });
        });
        return kudosState(me, itemId);
      }),

      bind(social.takeKudos, async ({ itemId }, ctx) => {
        const me = requireUser(ctx);
        if (!(await visibleItem(db, me, itemId))) throw itemGone();
        await db.query('DELETE FROM feed_kudos WHERE item_id = $1 AND user_id = $2', [itemId, me]);
        return kudosState(me, itemId);
      }),
    ];
  },
});
