import {
  identityEvents,
  machineEvents,
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
];
