import type { Queryable } from '@nxg/platform';
import { addDays } from '../periods.ts';

export interface TrainingDay {
  day: string;
  /** The event that made it a training day: what its awards cite. */
  eventId: string;
  sessionId: string | null;
  at: string;
}

/** Marks `day` as a training day of the member; the first event to do so stays its citation. */
export async function markTrainingDay(tx: Queryable, userId: string, first: TrainingDay): Promise<void> {
  // Nothing to read back: it goes out with the next statement.
  await tx.send(
    `INSERT INTO active_days (user_id, day, first_event_id, session_id, first_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (user_id, day) DO NOTHING`,
    [userId, first.day, first.eventId, first.sessionId, first.at],
  );
}

/** The member's training days within `span` days either side of `day`, by day. */
export async function trainingDaysAround(
  tx: Queryable,
  userId: string,
  day: string,
  span: number,
): Promise<Map<string, TrainingDay>> {
  const rows = await tx.query<{
    day: string;
    first_event_id: string;
    session_id: string | null;
    first_at: Date;
  }>(
    `SELECT day::text AS day, first_event_id, session_id, first_at FROM active_days
     WHERE user_id = $1 AND day BETWEEN $2::date AND $3::date`,
    [userId, addDays(day, -span), addDays(day, span)],
  );
  return new Map(
    rows.map((r) => [
      r.day,
      {
        day: r.day,
        eventId: r.first_event_id,
        sessionId: r.session_id,
        at: new Date(r.first_at).toISOString(),
      },
    ]),
  );
}

/** How many days in a row, through `day`, are training days. */
export function runThrough(days: Map<string, unknown>, day: string): number {
  if (!days.has(day)) return 0;
  let before = 0;
  while (days.has(addDays(day, -(before + 1)))) before++;
  let after = 0;
  while (days.has(addDays(day, after + 1))) after++;
  return before + 1 + after;
}

/**
 * The days that end `length` training days in a row and count `day` among them: the streak days
 * a new training day may have completed (at most `length` of them). The answer only grows as
 * days are added, whatever their order, so streak awards never depend on delivery order.
 */
export function streakEndsThrough(days: Map<string, unknown>, day: string, length: number): string[] {
  const ends: string[] = [];
  for (let offset = 0; offset < length; offset++) {
    const end = addDays(day, offset);
    let full = true;
    for (let back = 0; back < length && full; back++) full = days.has(addDays(end, -back));
    if (full) ends.push(end);
  }
  return ends;
}
