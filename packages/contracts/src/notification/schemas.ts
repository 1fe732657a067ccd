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

/** Days of the week, Monday first. */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof weekdays)[number];
export const Weekday = Type.Enum(weekdays);

export const WorkoutReminder = Type.Object(
  {
    /** Local time of the reminder on each training day. */
    time: ClockTime,
    /**
     * The member's training days; absent: spread over the week from the active plan's days per
     * week (3 → Monday, Wednesday, Friday).
     */
    weekdays: Type.Optional(Type.Array(Weekday, { minItems: 1, maxItems: 7 })),
  },
  { additionalProperties: false },
);

const MealTime = Type.Union([ClockTime, Type.Null()]);

/**
 * When to remind: workouts on the active plan's training days, meals from the active meal plan
 * (by nutrition's meal types). A meal's time here replaces the plan's suggested time; null turns
 * that reminder off.
 */
export const Reminders = Type.Object(
  {
    workout: Type.Union([WorkoutReminder, Type.Null()]),
    meals: Type.Object(
      {
        breakfast: Type.Optional(MealTime),
        lunch: Type.Optional(MealTime),
        dinner: Type.Optional(MealTime),
        snack: Type.Optional(MealTime),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type Reminders = Static<typeof Reminders>;

export const Preferences = Type.Object({
  categories: CategorySwitches,
  quietHours: Type.Union([QuietHours, Type.Null()]),
  /** IANA time zone name, e.g. Europe/Berlin: the one set here, else the member's profile's, else UTC. */
  timezone: Type.String(),
  /** Where `timezone` comes from. */
  timezoneSource: Type.Union([Type.Literal('preferences'), Type.Literal('profile'), Type.Literal('default')]),
  reminders: Reminders,
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
