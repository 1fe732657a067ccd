import { canonicalTimeZone } from '@nxg/platform';

/** `HH:MM` as minutes since midnight. */
export const toMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export const isTimeZone = (timezone: string) => canonicalTimeZone(timezone) !== undefined;

/** Minutes since local midnight of `at` in `timezone`. */
function localMinutes(at: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: timezone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute') + get('second') / 60;
}

export interface QuietHours {
  start: string;
  end: string;
}

/**
 * When a push made at `now` may go out: `now`, or the end of the member's quiet period when `now`
 * falls inside it (which may span midnight, e.g. 22:00–07:00). Quiet hours defer, never drop.
 * Walks forward minute by minute in local time, so daylight-saving shifts land on the real end.
 */
export function deliverAfter(now: Date, quiet: QuietHours | null, timezone: string): Date {
  if (!quiet) return now;
  const start = toMinutes(quiet.start);
  const end = toMinutes(quiet.end);
  const inside = (minutes: number) =>
    start < end ? minutes >= start && minutes < end : minutes >= start || minutes < end;
  if (!inside(localMinutes(now, timezone))) return now;
  // At most a day (plus an hour of DST) ahead; step a minute at a time from the next whole minute.
  const next = new Date(Math.ceil((now.getTime() + 1) / 60_000) * 60_000);
  for (let i = 0; i < 25 * 60; i++) {
    const candidate = new Date(next.getTime() + i * 60_000);
    if (!inside(localMinutes(candidate, timezone))) return candidate;
  }
  return now;
}
