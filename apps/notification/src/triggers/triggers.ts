import {
  machineEvents,
  socialEvents,
  workoutEvents,
  type EventDefinition,
  type EventEnvelope,
  type NotificationCategory,
} from '@nxg/contracts';
import type { Static } from 'typebox';

/** What a trigger makes of an event: one notification per member concerned (none: not worth telling). */
export interface Notice {
  userId: string;
  category: NotificationCategory;
  kind: string;
  title: string;
  body: string;
  data: Record<string, string>;
}

export interface Trigger {
  /** Its durable consumer, declared in contracts (packages/contracts/src/streams.ts). */
  consumer: string;
  event: EventDefinition;
  notices: (event: EventEnvelope<never>) => Notice[];
}

const trigger = <E extends EventDefinition>(t: {
  consumer: string;
  event: E;
  notices: (event: EventEnvelope<Static<E['data']>>) => Notice[];
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
    notices: ({ data }) => [
      {
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
