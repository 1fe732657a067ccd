/**
 * Every table the read-model consumers (rebuild/read-models.ts) write: a rebuild makes each afresh
 * and switches them over together, and all but the tombstones hold members' rows by user id.
 */
export const READ_MODEL_TABLES = [
  'members',
  'member_time_zones',
  'erased_members',
  'sessions',
  'sets',
  'machine_links',
  'member_plans',
  'personal_records',
  'active_days',
  'points_ledger',
  'member_points',
  'achievements',
  'meals',
  'nutrition_plans',
  'nutrition_plan_days',
];

/**
 * The read models' tables that hold a member's rows: an erased account takes all of it, leaderboards
 * included (the social graph, feed and challenges erase theirs in social-graph-store.ts).
 */
export const MEMBER_TABLES = READ_MODEL_TABLES.filter((table) => table !== 'erased_members');
