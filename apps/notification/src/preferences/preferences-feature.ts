import { notification, NotificationErrors } from '@nxg/contracts';
import { AppError, bind, canonicalTimeZone, defineFeature, requireUser } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { rescheduleMember } from '../reminders/reminder-store.ts';
import { defaultPreferences, defaultReminders, preferencesOf, savePreferences } from './preference-store.ts';

/** Which categories a member wants pushed, their quiet hours, time zone and reminder times. */
export const preferencesFeature = defineFeature<NotificationDeps>({
  name: 'preferences',
  operations: ({ db }) => [
    bind(notification.getPreferences, async (_input, ctx) => preferencesOf(db, requireUser(ctx))),

    bind(notification.putPreferences, async (input, ctx) => {
      const userId = requireUser(ctx);
      const timezone = input.timezone === undefined ? null : canonicalTimeZone(input.timezone);
      if (timezone === undefined)
        throw new AppError(400, NotificationErrors.UNKNOWN_TIMEZONE, 'timezone is not an IANA time zone');
      const quietHours = input.quietHours ?? null;
      if (quietHours && quietHours.start === quietHours.end)
        throw new AppError(
          400,
          NotificationErrors.EMPTY_QUIET_HOURS,
          'Quiet hours start and end at the same time',
        );
      const defaults = defaultReminders();
      const workout = input.reminders?.workout === undefined ? defaults.workout : input.reminders.workout;
      if (workout?.weekdays && new Set(workout.weekdays).size !== workout.weekdays.length)
        throw new AppError(
          400,
          NotificationErrors.DUPLICATE_WEEKDAY,
          'reminders.workout.weekdays names a day twice',
        );
      const chosen = {
        categories: { ...defaultPreferences().categories, ...input.categories },
        quietHours,
        timezone,
        reminders: { workout, meals: input.reminders?.meals ?? defaults.meals },
      };
      // The reminders move with the times and zone in the same transaction: none is sent by the old ones.
      return db.transaction(async (tx) => {
        await savePreferences(tx, userId, chosen);
        await rescheduleMember(tx, userId);
        return preferencesOf(tx, userId);
      });
    }),
  ],
});
