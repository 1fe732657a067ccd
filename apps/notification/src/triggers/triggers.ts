import {
  analyticsEvents,
  identityEvents,
  machineEvents,
  nutritionPhotoEvents,
  socialEvents,
  workoutEvents,
  type EventDefinition,
  type EventEnvelope,
  type NotificationCategory,
} from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import type { Static } from 'typebox';
import { achievementName } from './achievement-names.ts';
import { recordBody } from './record-text.ts';
import { milestoneReached } from './points-milestones.ts';

/** What a trigger makes of an event: one notification per member concerned (none: not worth telling). */
export interface Notice {
  userId: string;
  category: NotificationCategory;
  kind: string;
  title: string;
  body: string;
  data: Record<string, string>;
  /**
   * With the member, what makes it once (default: the event's id). Several events about one
   * thing (the records one set beat) share a key, so the member hears of it once.
   */
  key?: string;
}

export interface Trigger {
  /** Its durable consumer, declared in contracts (packages/contracts/src/streams.ts). */
  consumer: string;
  event: EventDefinition;
  /** In the transaction that stores the notices, for triggers that keep state (points totals). */
  notices: (event: EventEnvelope<never>, tx: Queryable) => Notice[] | Promise<Notice[]>;
}

const trigger = <E extends EventDefinition>(t: {
  consumer: string;
  event: E;
  notices: (event: EventEnvelope<Static<E['data']>>, tx: Queryable) => Notice[] | Promise<Notice[]>;
}): Trigger => t as unknown as Trigger;

/** 1st, 2nd, 3rd, 4th… 11th, 12th, 13th, 21st. */
const ordinal = (n: number) => {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13
      ? 'th'
      : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
};

const minutes = (n: number) => (n === 1 ? '1 minute' : `${n} minutes`);

/**
 * Every event that notifies a member. Adding one is an entry here plus its durable consumer in
 * contracts' `consumers`; the inbox, preferences, quiet hours, push and "one notification per
 * event and member" come with it.
 */
export const triggers: Trigger[] = [
  trigger({
    consumer: 'notification_session_ended',
    event: workoutEvents.sessionEnded,
    // A check-out is the member's own doing: nothing to tell.
    notices: ({ data }) =>
      data.reason === 'check-out'
        ? []
        : [
            {
              userId: data.userId,
              category: 'sessions',
              kind: 'session.ended',
              title: 'Your gym session has ended',
              body:
                data.reason === 'branch_closed'
                  ? `The gym is closing, so your session ended after ${minutes(data.durationMinutes)}.`
                  : `No activity for a while, so your session ended after ${minutes(data.durationMinutes)}.`,
              data: { sessionId: data.sessionId, branchId: data.branchId, reason: data.reason },
            },
          ],
  }),
  trigger({
    consumer: 'notification_plan_generated',
    event: workoutEvents.planGenerated,
    notices: ({ data }) => [
      {
        userId: data.userId,
        category: 'workout_reminders',
        kind: 'plan.ready',
        title: 'Your workout plan is ready',
        body: `${data.daysPerWeek} training days a week. Open the app to see it.`,
        data: { planId: data.planId },
      },
    ],
  }),
  trigger({
    consumer: 'notification_machine_unlinked',
    event: machineEvents.machineUnlinked,
    // Only a link the member did not end: the machine went silent.
    notices: ({ data }) =>
      data.reason !== 'heartbeat_lost'
        ? []
        : [
            {
              userId: data.userId,
              category: 'sessions',
              kind: 'machine.link_lost',
              title: 'Lost the connection to your machine',
              body: 'The machine stopped answering, so it was disconnected. Scan its QR code to go on.',
              data: { machineId: data.machineId, branchId: data.branchId, linkId: data.linkId },
            },
          ],
  }),
  trigger({
    consumer: 'notification_achievement_unlocked',
    event: analyticsEvents.achievementUnlocked,
    notices: ({ data }) => [
      {
        userId: data.userId,
        category: 'achievements',
        kind: 'achievement.unlocked',
        title: `Achievement unlocked: ${achievementName(data.code)}`,
        body: 'Open the app to see your achievements.',
        data: { code: data.code },
      },
    ],
  }),
  trigger({
    consumer: 'notification_record_set',
    event: analyticsEvents.recordSet,
    // One set can beat several records (heaviest, 1RM, reps): one notification for that set.
    notices: ({ data }) => [
      {
        userId: data.userId,
        category: 'achievements',
        kind: 'record.set',
        title: `New personal record: ${data.exerciseName}`,
        body: recordBody(data),
        data: { exerciseName: data.exerciseName, recordKind: data.kind, logId: data.logId },
        key: `record:${data.logId}`,
      },
    ],
  }),
  trigger({
    consumer: 'notification_points_awarded',
    event: analyticsEvents.pointsAwarded,
    // Keeps the member's total; tells them once per milestone, and only of a recent one.
    notices: async ({ data }, tx) => {
      const milestone = await milestoneReached(tx, data);
      if (!milestone) return [];
      return [
        {
          userId: data.userId,
          category: 'achievements',
          kind: 'points.milestone',
          title: `${milestone.toLocaleString('en')} points!`,
          body: `You have passed ${milestone.toLocaleString('en')} points. Keep going.`,
          data: { milestone: String(milestone) },
          key: `points-milestone:${milestone}`,
        },
      ];
    },
  }),
  trigger({
    consumer: 'notification_meal_detected',
    event: nutritionPhotoEvents.mealDetected,
    // A photo meal the member must look at: unsure items, or (found after the upload was answered)
    // nothing recognised. A confident detection needs nothing of them.
    notices: ({ data }) =>
      data.status === 'needs_confirmation'
        ? [
            {
              userId: data.userId,
              category: 'meal_reminders',
              kind: 'meal.needs_confirmation',
              title: 'Check your meal',
              body: `We are not sure of everything in your ${data.mealType}. Confirm or correct it.`,
              data: { mealId: data.mealId, mealType: data.mealType, status: data.status },
            },
          ]
        : data.status === 'manual_entry_needed' && data.late
          ? [
              {
                userId: data.userId,
                category: 'meal_reminders',
                kind: 'meal.manual_entry_needed',
                title: 'We could not recognise your meal',
                body: `Add your ${data.mealType} by hand; it takes a moment.`,
                data: { mealId: data.mealId, mealType: data.mealType, status: data.status },
              },
            ]
          : [],
  }),
  trigger({
    consumer: 'notification_scan_completed',
    event: identityEvents.scanCompleted,
    // Progress the member worked for: the achievements category. No figures (health data) in it.
    notices: ({ data }) => [
      {
        userId: data.userId,
        category: 'achievements',
        kind: 'scan.ready',
        title: 'Your body scan is ready',
        body: data.hasAvatar
          ? 'Your measurements and your 3D avatar are in the app.'
          : 'Your measurements are in your body-composition history.',
        data: { scanId: data.scanId, measurementId: data.measurementId },
      },
    ],
  }),
  trigger({
    consumer: 'notification_follow_changed',
    event: socialEvents.followChanged,
    // A new follower or a request tells the followee; an approval tells the follower. Endings are silent.
    notices: ({ data }) => {
      const ids = { followerId: data.followerId, followeeId: data.followeeId };
      if (data.reason === 'followed')
        return [
          {
            userId: data.followeeId,
            category: 'social',
            kind: 'social.new_follower',
            title: 'New follower',
            body: `${data.followerName} now follows you.`,
            data: ids,
          },
        ];
      if (data.reason === 'requested')
        return [
          {
            userId: data.followeeId,
            category: 'social',
            kind: 'social.follow_request',
            title: 'Follow request',
            body: `${data.followerName} asks to follow you.`,
            data: ids,
          },
        ];
      if (data.reason === 'approved')
        return [
          {
            userId: data.followerId,
            category: 'social',
            kind: 'social.follow_approved',
            title: 'Follow request approved',
            body: `You now follow ${data.followeeName}.`,
            data: ids,
          },
        ];
      return [];
    },
  }),
  trigger({
    consumer: 'notification_kudos_given',
    event: socialEvents.kudosGiven,
    // Once per giver and item: kudos taken back and given again tell the owner nothing new.
    notices: ({ data }) => [
      {
        key: `kudos:${data.itemId}:${data.fromUserId}`,
        userId: data.ownerId,
        category: 'social',
        kind: 'social.kudos',
        title: 'Kudos!',
        body: `${data.fromName} gave kudos to “${data.title}”.`,
        data: { itemId: data.itemId, fromUserId: data.fromUserId },
      },
    ],
  }),
  trigger({
    consumer: 'notification_challenge_result',
    event: socialEvents.challengeResult,
    notices: ({ data }) => [
      {
        userId: data.userId,
        category: 'social',
        kind: 'challenge.result',
        title: `${data.name} is over`,
        body: `You finished ${ordinal(data.rank)} of ${data.entrants}.`,
        data: { challengeId: data.challengeId, branchId: data.branchId, rank: String(data.rank) },
      },
    ],
  }),
];
