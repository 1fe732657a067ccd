import type { Queryable } from '@nxg/platform';
import { addDays } from '../periods.ts';

export interface TrainingDay {
  day: string;
  /** The event that made it a training day: what its awards cite. */
  eventId: string;
  sessionId: string | null;
  at: string;
}

/**
 * Marks member days as training days (the first event to do so stays a day's citation), in one
 * statement: the keys (`userId day`) of those that were not training days yet.
 */
export async function markTrainingDays(
  tx: Queryable,
  firsts: ReadonlyArray<TrainingDay & { userId: string }>,
): Promise<Set<string>> {
  const made = await tx.query<{ key: string }>(
    `INSERT INTO active_days (user_id, day, first_event_id, session_id, first_at)
     SELECT * FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::timestamptz[])
     ON CONFLICT (user_id, day) DO NOTHING RETURNING user_id || ' ' || day::text AS key`,
    [
      firsts.map((f) => f.userId),
      firsts.map((f) => f.day),
      firsts.map((f) => f.eventId),
      firsts.map((f) => f.sessionId),
      firsts.map((f) => f.at),
    ],
  );
  return new Set(made.map((r) => r.key));
}

/** Members' training days within a window each (`from` to `to`, inclusive): by member, then day. */
export async function trainingDaysWithin(
  tx: Queryable,
  windows: ReadonlyArray<{ userId: string; from: string; to: string }>,
): Promise<Map<string, Map<string, TrainingDay>>> {
  const rows = await tx.query<{
    user_id: string;
    day: string;
    first_event_id: string;
    session_id: string | null;
    first_at: Date;
  }>(
    `SELECT a.user_id, a.day::text AS day, a.first_event_id, a.session_id, a.first_at
     FROM unnest($1::text[], $2::date[], $3::date[]) AS w(user_id, from_day, to_day)
     JOIN active_days a ON a.user_id = w.user_id AND a.day BETWEEN w.from_day AND w.to_day`,
    [windows.map((w) => w.userId), windows.map((w) => w.from), windows.map((w) => w.to)],
  );
  const byMember = new Map<string, Map<string, TrainingDay>>(windows.map((w) => [w.userId, new Map()]));
  for (const r of rows) {
    byMember.get(r.user_id)!.set(r.day, {
      day: r.day,
      eventId: r.first_event_id,
      sessionId: r.session_id,
      at: new Date(r.first_at).toISOString(),
    });
  }
  return byMember;
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
