import type { BucketDefinition, ConsumerDefinition, StreamDefinition, StreamPurge } from './event.ts';

const stream = (name: string, prefix: string, owner: string): StreamDefinition => ({
  name,
  subjects: [`${prefix}.>`],
  owner,
  maxAgeDays: 30,
  duplicateWindowS: 120,
});

/** Every JetStream stream of the platform, one per owning service (DESIGN.md §4). */
export const streams: StreamDefinition[] = [
  stream('IDENTITY', 'identity', 'identity'),
  stream('MACHINES', 'machines', 'machine-hub'),
  stream('WORKOUT', 'workout', 'workout'),
  stream('NUTRITION', 'nutrition', 'nutrition'),
  stream('ANALYTICS', 'analytics', 'analytics'),
  stream('NOTIFICATION', 'notification', 'notification'),
  // Telemetry is high volume (about 140 GB a day at the hub's target load): a day, and at most
  // 10 GiB, unless provisioning is told otherwise (TELEMETRY_MAX_AGE_H, TELEMETRY_MAX_BYTES).
  { ...stream('TELEMETRY', 'telemetry', 'machine-hub'), maxAgeDays: 1, maxBytes: 10 * 2 ** 30 },
];

/** What older versions left in streams where it does not belong; provisioning removes it. */
export const streamPurges: StreamPurge[] = [
  { stream: 'MACHINES', filterSubject: 'machines.*.*.telemetry', why: 'telemetry moved to TELEMETRY' },
  { stream: 'IDENTITY', filterSubject: 'identity.cache.>', why: 'cache invalidations are core NATS only' },
];

const consumer = (
  stream: string,
  durable: string,
  filterSubject: string,
  // A workout deployed after the hub has no use for past links and sets: start from now.
  deliverPolicy: ConsumerDefinition['deliverPolicy'] = 'new',
): ConsumerDefinition => ({
  stream,
  durable,
  filterSubject,
  ackWaitS: 30,
  maxDeliver: 50,
  deliverPolicy,
});

/** Analytics' read models are built from everything the streams still hold, not only from now on. */
const analyticsConsumer = (stream: string, durable: string, filterSubject: string) =>
  consumer(stream, durable, filterSubject, 'all');

/** Durable consumers, declared here so one provisioning step creates them. Services add theirs as they land. */
export const consumers: ConsumerDefinition[] = [
  consumer('MACHINES', 'workout_machine_linked', 'machines.*.*.linked'),
  consumer('MACHINES', 'workout_set_completed', 'machines.*.*.set_completed'),
  consumer('IDENTITY', 'workout_user_updated', 'identity.user.updated'),
  consumer('IDENTITY', 'workout_user_registered', 'identity.user.registered'),
  consumer('IDENTITY', 'workout_user_deleted', 'identity.user.deleted'),
  // Identity's audit log records staff actions on machines.
  consumer('MACHINES', 'identity_machine_secret_rotated', 'machines.*.*.secret_rotated'),
  consumer('MACHINES', 'identity_machine_decommissioned', 'machines.*.*.decommissioned'),
  analyticsConsumer('IDENTITY', 'analytics_user_registered', 'identity.user.registered'),
  analyticsConsumer('IDENTITY', 'analytics_user_updated', 'identity.user.updated'),
  analyticsConsumer('IDENTITY', 'analytics_user_deleted', 'identity.user.deleted'),
  analyticsConsumer('WORKOUT', 'analytics_session_started', 'workout.session.started'),
  analyticsConsumer('WORKOUT', 'analytics_session_ended', 'workout.session.ended'),
  analyticsConsumer('WORKOUT', 'analytics_plan_generated', 'workout.plan.generated'),
  // A logged set's sets, records and points, in one transaction (three durables until 2026-11).
  {
    ...analyticsConsumer('WORKOUT', 'analytics_logged_sets', 'workout.exercise.logged'),
    replaces: [
      'analytics_exercise_logged',
      'analytics_records_exercise_logged',
      'analytics_points_exercise_logged',
    ],
  },
  analyticsConsumer('MACHINES', 'analytics_records_machine_unlinked', 'machines.*.*.unlinked'),
  analyticsConsumer('NUTRITION', 'analytics_meal_logged', 'nutrition.meal.logged'),
  analyticsConsumer('NUTRITION', 'analytics_meal_deleted', 'nutrition.meal.deleted'),
  analyticsConsumer('NUTRITION', 'analytics_nutrition_plan_generated', 'nutrition.plan.generated'),
  analyticsConsumer('MACHINES', 'analytics_machine_linked', 'machines.*.*.linked'),
  analyticsConsumer('MACHINES', 'analytics_machine_unlinked', 'machines.*.*.unlinked'),
  analyticsConsumer('MACHINES', 'analytics_points_set_completed', 'machines.*.*.set_completed'),
  // Analytics' own awards pushed to members' live feeds: news only, so from now on.
  consumer('ANALYTICS', 'analytics_live_points_awarded', 'analytics.points.awarded'),
  consumer('ANALYTICS', 'analytics_live_achievement_unlocked', 'analytics.achievement.unlocked'),
  consumer('IDENTITY', 'machine_hub_user_deleted', 'identity.user.deleted'),
  // Notification: one durable per trigger (apps/notification/src/triggers/triggers.ts) and erasure.
  consumer('WORKOUT', 'notification_session_ended', 'workout.session.ended'),
  consumer('WORKOUT', 'notification_plan_generated', 'workout.plan.generated'),
  consumer('MACHINES', 'notification_machine_unlinked', 'machines.*.*.unlinked'),
  consumer('IDENTITY', 'notification_user_deleted', 'identity.user.deleted'),
  consumer('ANALYTICS', 'notification_achievement_unlocked', 'analytics.achievement.unlocked'),
  consumer('ANALYTICS', 'notification_record_set', 'analytics.record.set'),
  // Every award the stream holds, to keep each member's total (milestones are told only when recent).
  consumer('ANALYTICS', 'notification_points_awarded', 'analytics.points.awarded', 'all'),
  // Reminders: a copy of each member's active plan (training days), from what the stream holds.
  consumer('WORKOUT', 'notification_reminder_plans', 'workout.plan.generated', 'all'),
  // The member's time zone (when their preferences name none), from what the stream holds.
  consumer('IDENTITY', 'notification_user_registered', 'identity.user.registered', 'all'),
  consumer('IDENTITY', 'notification_user_updated', 'identity.user.updated', 'all'),
  consumer('NUTRITION', 'notification_meal_detected', 'nutrition.meal.detected'),
  // Meal reminders: a copy of each member's newest meal plan, from what the stream holds.
  consumer('NUTRITION', 'notification_meal_plans', 'nutrition.plan.generated', 'all'),
  // Nutrition keeps its own copy of the member (time zone, figures, goal, allergies) and erases on deletion.
  consumer('IDENTITY', 'nutrition_user_registered', 'identity.user.registered', 'all'),
  consumer('IDENTITY', 'nutrition_user_updated', 'identity.user.updated', 'all'),
  consumer('IDENTITY', 'nutrition_user_deleted', 'identity.user.deleted', 'all'),
  consumer('IDENTITY', 'notification_scan_completed', 'identity.scan.completed'),
  // Identity learns where members train (staff upload scans for members of their branch), from
  // the sessions the stream still holds on.
  consumer('WORKOUT', 'identity_session_started', 'workout.session.started', 'all'),
  // Social: analytics keeps a copy of identity's follows, blocks and privacy for the feed, and
  // builds feed items from its own and workout's events.
  analyticsConsumer('IDENTITY', 'analytics_social_follow_changed', 'identity.follow.changed'),
  analyticsConsumer('IDENTITY', 'analytics_social_block_changed', 'identity.block.changed'),
  analyticsConsumer('IDENTITY', 'analytics_social_privacy_changed', 'identity.privacy.changed'),
  analyticsConsumer('IDENTITY', 'analytics_social_user_deleted', 'identity.user.deleted'),
  analyticsConsumer('ANALYTICS', 'analytics_feed_achievement_unlocked', 'analytics.achievement.unlocked'),
  analyticsConsumer('ANALYTICS', 'analytics_feed_record_set', 'analytics.record.set'),
  analyticsConsumer('WORKOUT', 'analytics_feed_session_ended', 'workout.session.ended'),
  consumer('IDENTITY', 'notification_follow_changed', 'identity.follow.changed'),
  consumer('ANALYTICS', 'notification_kudos_given', 'analytics.kudos.given'),
  consumer('ANALYTICS', 'notification_challenge_result', 'analytics.challenge.result'),
];

export const consumerNamed = (durable: string): ConsumerDefinition => {
  const found = consumers.find((c) => c.durable === durable);
  if (!found) throw new Error(`no consumer ${durable} is declared in contracts`);
  return found;
};

/** Revoked access tokens and sessions; entries outlive the longest access token. */
export const revocationBucket: BucketDefinition = {
  bucket: 'auth_revocations',
  owner: 'identity',
  // machine-hub revokes machine tokens (sid.machine-<id>-g<n>) when a machine's secret changes.
  writers: { 'machine-hub': 'sid.>' },
  ttlS: 60 * 60,
  description:
    'jti.<tokenId> and sid.<sessionId> keys of revoked access tokens, usr.<userId> {notBefore} for an account whose roles changed; watched by every gateway',
};

export const buckets: BucketDefinition[] = [revocationBucket];

/** Everything provisioning creates or tidies, in one value. */
export const messaging = { streams, consumers, buckets, purges: streamPurges };
