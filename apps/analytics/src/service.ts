import { fileURLToPath } from 'node:url';
import { defineService } from '@nxg/platform';
import { activityFeature } from './activity/activity-feature.ts';
import { challengesFeature } from './challenges/challenges-feature.ts';
import { bodyFeature } from './body/body-feature.ts';
import { AnalyticsConfigSchema } from './config.ts';
import { leaderboardsFeature } from './leaderboards/leaderboards-feature.ts';
import { liveFeature } from './live/live-feature.ts';
import { loggedSetsFeature } from './logged-sets/logged-sets-feature.ts';
import { membersFeature } from './members/members-feature.ts';
import { nutritionFeature } from './nutrition/nutrition-feature.ts';
import { pointsFeature } from './points/points-feature.ts';
import { recordsFeature } from './records/records-feature.ts';
import { feedFeature } from './social/feed-feature.ts';
import { socialGraphFeature } from './social/social-graph-feature.ts';

/**
 * Analytics: read models built from identity's, workout's, machine-hub's and nutrition's events (progress,
 * personal records, points, achievements, branch leaderboards).
 */
export default defineService({
  name: 'analytics',
  config: AnalyticsConfigSchema,
  port: 'ANALYTICS_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  context: (kit) => ({
    config: kit.config,
    db: kit.db,
    nc: kit.nc,
    logger: kit.logger,
  }),
  features: [
    membersFeature,
    activityFeature,
    loggedSetsFeature,
    recordsFeature,
    pointsFeature,
    leaderboardsFeature,
    liveFeature,
    socialGraphFeature,
    feedFeature,
    challengesFeature,
    bodyFeature,
    nutritionFeature,
  ],
});
