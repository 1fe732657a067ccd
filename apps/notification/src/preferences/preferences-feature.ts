import { notification, NotificationErrors } from '@nxg/contracts';
import { AppError, bind, defineFeature, requireUser } from '@nxg/platform';
import type { NotificationDeps } from '../deps.ts';
import { defaultPreferences, preferencesOf, savePreferences } from './preference-store.ts';
import { canonicalTimeZone } from './quiet-hours.ts';

/** Which categories a member wants pushed, their quiet hours and time zone. */
export const preferencesFeature = defineFeature<NotificationDeps>({
  name: 'preferences',
  operations: ({ db }) => [
    bind(notification.getPreferences, async (_input, ctx) => preferencesOf(db, requireUser(ctx))),

    bind(notification.putPreferences, async (input, ctx) => {
      const userId = requireUser(ctx);
      const timezone = canonicalTimeZone(input.timezone ?? 'UTC');
      if (!timezone)
        throw new AppError(400, NotificationErrors.UNKNOWN_TIMEZONE, 'timezone is not an IANA time zone');
      const quietHours = input.quietHours ?? null;
      if (quietHours && quietHours.start === quietHours.end)
        throw new AppError(
          400,
          NotificationErrors.EMPTY_QUIET_HOURS,
          'Quiet hours start and end at the same time',
        );
      const prefs = {
        categories: { ...defaultPreferences().categories, ...input.categories },
        quietHours,
        timezone,
      };
      await savePreferences(db, userId, prefs);
      return prefs;
    }),
  ],
});
