import {
  notificationCategories,
  type NotificationCategory,
  type Preferences,
  type Reminders,
} from '@nxg/contracts';
import { canonicalTimeZone, type Queryable } from '@nxg/platform';

/** Workout reminders when the member chose none: 08:00 local on the plan's training days. */
export const DEFAULT_WORKOUT_REMINDER_TIME = '08:00';

export const defaultReminders = (): Reminders => ({
  workout: { time: DEFAULT_WORKOUT_REMINDER_TIME },
  meals: {},
});

/** A member who never set preferences: everything on, no quiet hours, the profile's zone (else UTC). */
export const defaultPreferences = (profileTimezone?: string | null): Preferences => ({
  categories: Object.fromEntries(notificationCategories.map((c) => [c, true])) as Preferences['categories'],
  quietHours: null,
  timezone: profileTimezone ?? 'UTC',
  timezoneSource: profileTimezone ? 'profile' : 'default',
  reminders: defaultReminders(),
});

interface PreferenceRow {
  categories: Partial<Record<NotificationCategory, boolean>> | null;
  quiet_start: string | null;
  quiet_end: string | null;
  timezone: string | null;
  reminders: Partial<Reminders> | null;
  profile_timezone: string | null;
  [key: string]: unknown;
}

/** What the member chose; the time zone: theirs here, else their profile's (identity), else UTC. */
export async function preferencesOf(db: Queryable, userId: string): Promise<Preferences> {
  return (await preferencesOfMany(db, [userId])).get(userId)!;
}

/** preferencesOf for several members in one query (the push drain asks for a round's members at once). */
export async function preferencesOfMany(db: Queryable, userIds: string[]): Promise<Map<string, Preferences>> {
  const rows = await db.query<PreferenceRow & { user_id: string }>(
    `SELECT u.user_id, p.categories, p.quiet_start, p.quiet_end, p.timezone, p.reminders, m.timezone AS profile_timezone
     FROM unnest($1::uuid[]) AS u(user_id)
     LEFT JOIN preferences p ON p.user_id = u.user_id
     LEFT JOIN member_timezones m ON m.user_id = u.user_id`,
    [userIds],
  );
  return new Map(rows.map((row) => [row.user_id, toPreferences(row)]));
}

function toPreferences(row: PreferenceRow): Preferences {
  const defaults = defaultPreferences(row.profile_timezone);
  if (!row.categories) return defaults;
  return {
    categories: { ...defaults.categories, ...row.categories },
    quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
    timezone: row.timezone ?? defaults.timezone,
    timezoneSource: row.timezone ? 'preferences' : defaults.timezoneSource,
    reminders: { ...defaults.reminders, ...row.reminders },
  };
}

/** What a member sends: their own time zone, or none (null) to follow their profile's. */
export interface ChosenPreferences {
  categories: Preferences['categories'];
  quietHours: Preferences['quietHours'];
  timezone: string | null;
  reminders: Reminders;
}

export async function savePreferences(
  db: Queryable,
  userId: string,
  prefs: ChosenPreferences,
): Promise<void> {
  await db.query(
    `INSERT INTO preferences (user_id, categories, quiet_start, quiet_end, timezone, reminders) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (user_id) DO UPDATE SET categories = EXCLUDED.categories, quiet_start = EXCLUDED.quiet_start,
       quiet_end = EXCLUDED.quiet_end, timezone = EXCLUDED.timezone, reminders = EXCLUDED.reminders, updated_at = now()`,
    [
      userId,
      JSON.stringify(prefs.categories),
      prefs.quietHours?.start ?? null,
      prefs.quietHours?.end ?? null,
      prefs.timezone,
      JSON.stringify(prefs.reminders),
    ],
  );
}

/**
 * The member's time zone from identity's profile, as of its event's time (an older event read
 * late changes nothing); a zone this runtime does not know is kept out (UTC then). True when stored.
 */
export async function saveProfileTimezone(
  db: Queryable,
  userId: string,
  timezone: string,
  asOf: string,
): Promise<boolean> {
  const zone = canonicalTimeZone(timezone) ?? 'UTC';
  const saved = await db.query(
    `INSERT INTO member_timezones (user_id, timezone, as_of) VALUES ($1, $2, $3)
     ON CONFLICT (user_id) DO UPDATE SET timezone = EXCLUDED.timezone, as_of = EXCLUDED.as_of
     WHERE member_timezones.as_of <= EXCLUDED.as_of
     RETURNING user_id`,
    [userId, zone, asOf],
  );
  return saved.length > 0;
}
