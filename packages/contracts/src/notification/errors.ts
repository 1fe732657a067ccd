import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Every error code notification answers with, beyond the common ones. */
export const notificationErrorCatalog = {
  DEVICE_NOT_FOUND: { status: 404, description: 'The member has no device with this id' },
  NOTIFICATION_NOT_FOUND: { status: 404, description: 'The member has no notification with this id' },
  UNKNOWN_TIMEZONE: {
    status: 400,
    description: '`timezone` is not an IANA time zone name (e.g. Europe/Berlin)',
  },
  EMPTY_QUIET_HOURS: {
    status: 400,
    description: '`quietHours.start` and `quietHours.end` are the same time; send null for no quiet hours',
  },
  DUPLICATE_WEEKDAY: {
    status: 400,
    description: '`reminders.workout.weekdays` names the same day more than once',
  },
} as const satisfies ErrorCatalog;
export const NotificationErrors = codesOf(notificationErrorCatalog);
