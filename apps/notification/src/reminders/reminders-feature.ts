import { nutritionEvents, workoutEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { isErased } from '../members/erased.ts';
import { rescheduleMember, saveMealPlan, saveWorkoutPlan } from './reminder-store.ts';
import { sendDueReminders } from './send-due.ts';

/**
 * Scheduled reminders: copies of members' plans (their training days, their meals) kept from
 * the owners' events, one row per member and reminder with its next due time, and a job every
 * replica runs that sends what is due once between them.
 */
export const remindersFeature = defineFeature<NotificationDeps>({
  name: 'reminders',
  consumers: ({ db }) => [
    consume('notification_reminder_plans', workoutEvents.planGenerated, async ({ data }) => {
      await db.transaction(async (tx) => {
        if (await isErased(tx, data.userId)) return;
        if (await saveWorkoutPlan(tx, data)) await rescheduleMember(tx, data.userId);
      });
    }),
    consume('notification_meal_plans', nutritionEvents.planGenerated, async ({ data }) => {
      await db.transaction(async (tx) => {
        if (await isErased(tx, data.userId)) return;
        if (await saveMealPlan(tx, data)) await rescheduleMember(tx, data.userId);
      });
    }),
  ],
  jobs: ({ db, live, deliverNow, config }) => [
    {
      name: 'reminders',
      everyMs: config.REMINDER_TICK_MS,
      async run() {
        // A full round means more is due: go on (bounded, so a stop is never kept waiting long).
        for (let round = 0; round < 10; round++) {
          const due = await sendDueReminders({
            db,
            live,
            deliverNow,
            graceMs: config.REMINDER_GRACE_S * 1000,
            batchSize: config.REMINDER_BATCH_SIZE,
          });
          if (due < config.REMINDER_BATCH_SIZE) return;
        }
      },
    },
  ],
});
