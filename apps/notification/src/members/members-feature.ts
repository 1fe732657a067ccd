import { identityEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { dropDevices } from '../devices/device-store.ts';
import { saveProfileTimezone } from '../preferences/preference-store.ts';
import { rescheduleMember } from '../reminders/reminder-store.ts';
import { isErased, markErased } from './erased.ts';
import { dropNoticesNaming } from './naming.ts';

/**
 * The member's time zone from identity's profile (used when their preferences name none; older
 * events without one read as UTC), moving their reminders with it. Erasure: an account identity deleted loses its devices, preferences, inbox (with its delivery
 * log), reminders and the copies kept for them (plans, points, time zone), and the notices in
 * others' inboxes that name it (follows, kudos), leaving only its id as a tombstone so a late
 * event stores nothing again.
 */
export const membersFeature = defineFeature<NotificationDeps>({
  name: 'members',
  consumers: ({ db }) => {
    const profileZone = async ({
      data,
      time,
    }: {
      data: { userId: string; timezone?: string };
      time: string;
    }) => {
      await db.transaction(async (tx) => {
        if (await isErased(tx, data.userId)) return;
        if (await saveProfileTimezone(tx, data.userId, data.timezone ?? 'UTC', time))
          await rescheduleMember(tx, data.userId);
      });
    };
    return [
      consume('notification_user_registered', identityEvents.userRegistered, profileZone),
      consume('notification_user_updated', identityEvents.userUpdated, profileZone),
      consume('notification_user_deleted', identityEvents.userDeleted, async ({ data }) => {
        await db.transaction(async (tx) => {
          await markErased(tx, data.userId);
          await dropDevices(tx, 'user_id = $1', [data.userId]);
          await tx.query('DELETE FROM notifications WHERE user_id = $1', [data.userId]);
          await dropNoticesNaming(tx, data.userId);
          await tx.query('DELETE FROM preferences WHERE user_id = $1', [data.userId]);
          for (const table of [
            'reminders',
            'workout_plans',
            'meal_plans',
            'points_awards',
            'member_points',
            'member_timezones',
          ])
            await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [data.userId]);
        });
      }),
    ];
  },
});
