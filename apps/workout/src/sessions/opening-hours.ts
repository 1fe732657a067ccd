/** `{ mon: "06:00-22:00", ... }` in the branch's time zone, as identity keeps it. */
export type OpeningHours = Record<string, string> | null;

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/** The weekday and minutes since midnight of `now` in `timezone`. */
function localTime(now: Date, timezone: string): { day: string; minutes: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = weekdays.find((d) => get('weekday').toLowerCase().startsWith(d)) ?? 'mon';
  return { day, minutes: Number(get('hour')) * 60 + Number(get('minute')) };
}

const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/**
 * Whether the branch is closed at `now`. A branch without opening hours never closes; a day missing
 * from its hours is a closed day.
 */
export function isClosed(openingHours: OpeningHours, timezone: string, now = new Date()): boolean {
  if (!openingHours || Object.keys(openingHours).length === 0) return false;
  const { day, minutes } = localTime(now, timezone);
  const today = openingHours[day];
  if (!today) return true;
  const [open, close] = today.split('-');
  return minutes < toMinutes(open!) || minutes >= toMinutes(close!);
}
