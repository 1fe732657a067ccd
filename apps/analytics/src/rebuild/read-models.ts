import type { Feature } from '@nxg/platform';
import { activityFeature } from '../activity/activity-feature.ts';
import type { AnalyticsDeps } from '../deps.ts';
import { loggedSetsFeature } from '../logged-sets/logged-sets-feature.ts';
import { membersFeature } from '../members/members-feature.ts';
import { nutritionFeature } from '../nutrition/nutrition-feature.ts';
import { pointsFeature } from '../points/points-feature.ts';
import { recordsFeature } from '../records/records-feature.ts';

/**
 * The features whose consumers build read models, in the order a rebuild replays them: identity's
 * events first (members, their zones, erasures), so a member's days and erasure are known before
 * their activity is counted. Live pushes are not replayed. A feature with read models adds itself
 * here and its tables to READ_MODEL_TABLES (read-model-tables.ts).
 */
export const readModelFeatures: Feature<AnalyticsDeps>[] = [
  membersFeature,
  activityFeature,
  loggedSetsFeature,
  recordsFeature,
  pointsFeature,
  nutritionFeature,
];
