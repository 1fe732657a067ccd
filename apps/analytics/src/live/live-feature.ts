import { analyticsEvents, liveSubjects, type LiveMessage, type LiveMessageType } from '@nxg/contracts';
import { consume, defineFeature, publishSigned } from '@nxg/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { AnalyticsDeps } from '../deps.ts';
import { pointsTotal } from '../points/points-store.ts';
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

const isNews = (time: string) => Date.now() - Date.parse(time) <= LIVE_PUSH_MAX_AGE_MS;

/**
 * Points and achievements pushed to the member's live feed (`live.user.<id>`, relayed by the
 * gateway's /v1/live), from analytics' own announcements on its stream: each is pushed only once
 * its award has committed, and again only if JetStream redelivers it (a live view may show a
 * message twice; the ledger never counts twice).
 */
export const liveFeature = defineFeature<AnalyticsDeps>({
  name: 'live',
  consumers: ({ db, nc }) => [
    consume('analytics_live_points_awarded', analyticsEvents.pointsAwarded, async ({ data, time }) => {
      if (!isNews(time)) return;
      const total = await pointsTotal(db, data.userId);
      push(nc, data.userId, 'points.awarded', { ...data, total });
    }),
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
