import Type, { type Static } from 'typebox';
import { Id, Timestamp } from '../identity/schemas.ts';

/** What a member can turn off; every notification belongs to one. */
export const notificationCategories = [
  'workout_reminders',
  'meal_reminders',
  'achievements',
  'social',
  'sessions',
] as const;
export type NotificationCategory = (typeof notificationCategories)[number];
export const NotificationCategory = Type.Union([
  Type.Literal('workout_reminders'),
  Type.Literal('meal_reminders'),
  Type.Literal('achievements'),
  Type.Literal('social'),
  Type.Literal('sessions'),
]);

export const DevicePlatform = Type.Union([Type.Literal('ios'), Type.Literal('android'), Type.Literal('web')]);

/**
 * An FCM registration token: FCM's are about 150–300 characters of letters, digits and `-_:`;
 * anything else (spaces, control characters, a whole JSON document) is not one.
 */
export const DeviceToken = Type.String({ minLength: 32, maxLength: 4096, pattern: '^[A-Za-z0-9_:.-]+$' });

/** `HH:MM`, 24-hour clock, in the member's time zone. */
export const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

export const Device = Type.Object({
  id: Id,
  platform: DevicePlatform,
  createdAt: Timestamp,
  refreshedAt: Timestamp,
});
export type Device = Static<typeof Device>;

export const QuietHours = Type.Object(
  { start: ClockTime, end: ClockTime },
  { additionalProperties: false, description: 'No push between start and end (may span midnight)' },
);

export const CategorySwitches = Type.Object(
  Object.fromEntries(notificationCategories.map((c) => [c, Type.Boolean()])) as Record<
    NotificationCategory,
    ReturnType<typeof Type.Boolean>
  >,
  { additionalProperties: false },
);

export const Preferences = Type.Object({
  categories: CategorySwitches,
  quietHours: Type.Union([QuietHours, Type.Null()]),
  /** IANA time zone name, e.g. Europe/Berlin. */
  timezone: Type.String(),
});
export type Preferences = Static<typeof Preferences>;

export const Notification = Type.Object({
  id: Id,
  category: NotificationCategory,
  /** What happened, e.g. `session.ended`, `plan.ready`, `machine.link_lost`. */
  kind: Type.String(),
  title: Type.String(),
  body: Type.String(),
  data: Type.Record(Type.String(), Type.String()),
  /** `pending` (push due, possibly deferred by quiet hours), `sent`, `failed`, `skipped` (category off or no device). */
  push: Type.Union([
    Type.Literal('pending'),
    Type.Literal('sent'),
    Type.Literal('failed'),
    Type.Literal('skipped'),
  ]),
  createdAt: Timestamp,
  readAt: Type.Union([Timestamp, Type.Null()]),
});
export type Notification = Static<typeof Notification>;
