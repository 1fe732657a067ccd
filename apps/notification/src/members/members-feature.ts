import { identityEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { dropDevices } from '../devices/device-store.ts';

/**
 * Erasure: an account identity deleted loses its devices, preferences, inbox (with its delivery
 * log), reminders and the copies kept for them (plans, points, time zone).
 */
export const membersFeature = defineFeature<NotificationDeps>({
  name: 'members',
  consumers: ({ db }) => [
    consume('notification_user_deleted', identityEvents.userDeleted, async ({ data }) => {
      await db.transaction(async (tx) => {
        await dropDevices(tx, 'user_id = $1', [data.userId]);
        await tx.query('DELETE FROM notifications WHERE user_id = $1', [data.userId]);
        await tx.query('DELETE FROM preferences WHERE user_id = $1', [data.userId]);
        for (const table of [
          'reminders',
          'workout_plans',
          'points_awards',
          'member_points',
          'member_timezones',
        ])
          await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [data.userId]);
      });
    }),
  ],
});
