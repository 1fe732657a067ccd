import { analyticsEvents, liveSubjects, type LiveMessage, type LiveMessageType } from '@nxg/contracts';
import { consume, consumeBatch, defineFeature, publishSigned } from '@nxg/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AnalyticsDeps } from '../deps.ts';
import { EVENTS_PER_BATCH } from '../members/member-order.ts';
import { pointsTotals } from '../points/points-store.ts';
import { allAchievements } from '../points/rules.ts';

/**
 * An award older than this is history, not news: after an outage the backlog is not pushed (the
 * ledger and achievements routes have it all).
 */
export const LIVE_PUSH_MAX_AGE_MS = 10 * 60_000;

function push(nc: NatsConnection, userId: string, type: LiveMessageType, data: unknown): void {
  const message: LiveMessage = { type, at: new Date().toISOString(), data };
  // Signed like every bus message: the gateway relays only what a platform service signed.
  publishSigned(nc, liveSubjects.user(userId), JSON.stringify(message));
}

/** Whether an event published at `time` is still news worth pushing live. */
export const isNews = (time: string) => Date.now() - Date.parse(time) <= LIVE_PUSH_MAX_AGE_MS;

/**
 * Points and achievements pushed to the member's live feed (`live.user.<id>`, relayed by the
 * gateway's /v1/live), from analytics' own announcements on its stream: each is pushed only once
 * its award has committed, and again only if JetStream redelivers it (a live view may show a
 * message twice; the ledger never counts twice).
 */
export const liveFeature = defineFeature<AnalyticsDeps>({
  name: 'live',
  consumers: ({ db, nc }) => [
    // In batches: a busy hour's awards (a point per set) need one total per member, not per award.
    consumeBatch(
      'analytics_live_points_awarded',
      analyticsEvents.pointsAwarded,
      async (events) => {
        const news = events.filter((e) => isNews(e.time));
        if (news.length === 0) return;
        const totals = await pointsTotals(db, [...new Set(news.map((e) => e.data.userId))]);
        for (const { data } of news) {
          push(nc, data.userId, 'points.awarded', { ...data, total: totals.get(data.userId) ?? 0 });
        }
      },
      { max: EVENTS_PER_BATCH },
    ),
    consume(
      'analytics_live_achievement_unlocked',
      analyticsEvents.achievementUnlocked,
      async ({ data, time }) => {
        if (!isNews(time)) return;
        const rule = allAchievements.find((a) => a.code === data.code);
        push(nc, data.userId, 'achievement.unlocked', {
          ...data,
          name: rule?.name ?? data.code,
          description: rule?.description ?? '',
        });
      },
    ),
  ],
});
