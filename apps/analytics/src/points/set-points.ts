import type { EventData, workoutEvents } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { memberDaysOf } from '../members/member-time-zones.ts';
import { addDays } from '../periods.ts';
import { awardAll, unlockAll, type Award, type Unlock } from './ledger-store.ts';
import { achievementRules, pointsRules, STREAK_DAYS, streakAchievements } from './rules.ts';
import {
  markTrainingDays,
  runThrough,
  streakEndsThrough,
  trainingDaysWithin,
  type TrainingDay,
} from './training-days.ts';

/** Longest streak an achievement asks for: the days read either side of a new training day. */
const STREAK_SPAN = Math.max(STREAK_DAYS, ...streakAchievements.map((a) => a.streakDays ?? 0));

export interface LoggedSet {
  /** The event's id: what its awards cite. */
  id: string;
  data: EventData<typeof workoutEvents.exerciseLogged>;
}

/**
 * Points for a batch of logged sets, in stream order, as if they came one by one: a point per set;
 * for each day a set makes a training day, the workout day, the first workout and the streaks
 * that day completes. Days that already were training days earned all that when they became so
 * (a streak only grows when a day is added), so only new ones are judged. A few statements for
 * the whole batch.
 */
export async function awardLoggedSets(tx: Queryable, sets: readonly LoggedSet[]): Promise<void> {
  if (sets.length === 0) return;
  const days = await memberDaysOf(
    tx,
    sets.map((s) => s.data),
  );
  await awardAll(
    tx,
    sets.map(({ id, data }) => ({
      rule: pointsRules.setLogged,
      userId: data.userId,
      occasion: data.logId,
      sourceEventId: id,
      occurredAt: data.at,
      sessionId: data.sessionId,
    })),
  );
  // The first set of each member day in the batch: the one a new training day cites.
  const firstOfDay = new Map<string, number>();
  days.forEach((day, i) => {
    const key = `${sets[i]!.data.userId} ${day}`;
    if (!firstOfDay.has(key)) firstOfDay.set(key, i);
  });
  const made = await markTrainingDays(
    tx,
    [...firstOfDay.values()].map((i) => {
      const { id, data } = sets[i]!;
      return { userId: data.userId, day: days[i]!, eventId: id, sessionId: data.sessionId, at: data.at };
    }),
  );
  const newDays = [...firstOfDay]
    .filter(([key]) => made.has(key))
    .map(([, i]) => ({ set: sets[i]!, day: days[i]! }));
  await judgeNewTrainingDays(tx, newDays);
}

/**
 * The awards and achievements of days that sets just made training days, in the sets' order: each
 * judged against the days known when its set came (the batch's later new days come in their turn).
 */
async function judgeNewTrainingDays(
  tx: Queryable,
  newDays: ReadonlyArray<{ set: LoggedSet; day: string }>,
): Promise<void> {
  if (newDays.length === 0) return;
  const windows = new Map<string, { userId: string; from: string; to: string }>();
  for (const { set, day } of newDays) {
    const userId = set.data.userId;
    const window = windows.get(userId) ?? { userId, from: day, to: day };
    if (day < window.from) window.from = day;
    if (day > window.to) window.to = day;
    windows.set(userId, window);
  }
  const stored = await trainingDaysWithin(
    tx,
    [...windows.values()].map((w) => ({
      ...w,
      from: addDays(w.from, -STREAK_SPAN),
      to: addDays(w.to, STREAK_SPAN),
    })),
  );
  // What each member's judge sees: the days they had before the batch, then each new one in turn.
  const isNew = new Set(newDays.map(({ set, day }) => `${set.data.userId} ${day}`));
  const known = new Map<string, Map<string, TrainingDay>>();
  for (const [userId, days] of stored) {
    known.set(userId, new Map([...days].filter(([day]) => !isNew.has(`${userId} ${day}`))));
  }
  const awards: Award[] = [];
  const unlocks: Unlock[] = [];
  for (const { set, day } of newDays) {
    const { id, data } = set;
    const { userId, at } = data;
    const days = known.get(userId)!;
    const today = stored.get(userId)!.get(day)!;
    days.set(day, today);
    const dayAward = (occasion: string, rule: Award['rule'], cited: TrainingDay): Award => ({
      rule,
      userId,
      occasion,
      sourceEventId: cited.eventId,
      occurredAt: cited.at,
      sessionId: cited.sessionId,
    });
    awards.push(dayAward(day, pointsRules.workoutDay, today));
    unlocks.push({ achievement: achievementRules.firstWorkout, userId, sourceEventId: id, at });
    // Each streak day cites the event that made it a training day, so one event may complete several.
    for (const end of streakEndsThrough(days, day, STREAK_DAYS)) {
      awards.push(dayAward(end, pointsRules.streakDay, days.get(end)!));
    }
    const run = runThrough(days, day);
    for (const streak of streakAchievements) {
      if (run >= streak.streakDays!) unlocks.push({ achievement: streak, userId, sourceEventId: id, at });
    }
  }
  await awardAll(tx, awards);
  await unlockAll(tx, unlocks);
}
