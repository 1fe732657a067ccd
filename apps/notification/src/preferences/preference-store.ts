import { notificationCategories, type NotificationCategory, type Preferences } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';

/** A member who never set preferences: everything on, no quiet hours, UTC. */
export const defaultPreferences = (): Preferences => ({
  categories: Object.fromEntries(notificationCategories.map((c) => [c, true])) as Preferences['categories'],
  quietHours: null,
  timezone: 'UTC',
});

interface PreferenceRow {
  categories: Partial<Record<NotificationCategory, boolean>>;
  quiet_start: string | null;
  quiet_end: string | null;
  timezone: string;
  [key: string]: unknown;
}

export async function preferencesOf(db: Queryable, userId: string): Promise<Preferences> {
  const [row] = await db.query<PreferenceRow>(
    'SELECT categories, quiet_start, quiet_end, timezone FROM preferences WHERE user_id = $1',
    [userId],
  );
  if (!row) return defaultPreferences();
  const defaults = defaultPreferences();
  return {
    categories: { ...defaults.categories, ...row.categories },
    quietHours: row.quiet_start && row.quiet_end ? { start: row.quiet_start, end: row.quiet_end } : null,
    timezone: row.timezone,
  };
}

export async function savePreferences(db: Queryable, userId: string, prefs: Preferences): Promise<void> {
  await db.query(
    `INSERT INTO preferences (user_id, categories, quiet_start, quiet_end, timezone) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id) DO UPDATE SET categories = EXCLUDED.categories, quiet_start = EXCLUDED.quiet_start,
       quiet_end = EXCLUDED.quiet_end, timezone = EXCLUDED.timezone, updated_at = now()`,
    [
      userId,
      JSON.stringify(prefs.categories),
      prefs.quietHours?.start ?? null,
      prefs.quietHours?.end ?? null,
      prefs.timezone,
    ],
  );
}
