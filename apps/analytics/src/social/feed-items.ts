import type { EventData, analyticsEvents, workoutEvents } from '@nxg/contracts';
import { allAchievements } from '../points/rules.ts';
import type { NewFeedItem } from './feed-store.ts';

/** What the feed says of an event: an achievement unlocked, a record beaten, a workout finished. */

export function achievementItem(e: EventData<typeof analyticsEvents.achievementUnlocked>): NewFeedItem {
  const name = allAchievements.find((a) => a.code === e.code)?.name ?? e.code;
  return {
    sourceKey: `achievement:${e.userId}:${e.code}`,
    userId: e.userId,
    kind: 'achievement',
    title: `Unlocked “${name}”`,
    details: { code: e.code, name },
    occurredAt: e.at,
  };
}

const recordWords = {
  heaviest: 'heaviest set',
  estimated_1rm: 'best estimated 1RM',
  most_reps: 'most reps',
  longest_distance: 'longest distance',
  fastest_speed: 'fastest average speed',
} as const;
const recordUnits = {
  heaviest: ' kg',
  estimated_1rm: ' kg',
  most_reps: ' reps',
  longest_distance: ' m',
  fastest_speed: ' km/h',
} as const;

/** One item per set that beat records (a set may beat several kinds: the first announced names it). */
export function recordItem(e: EventData<typeof analyticsEvents.recordSet>): NewFeedItem {
  const unit = recordUnits[e.kind];
  return {
    sourceKey: `record:${e.logId}`,
    userId: e.userId,
    kind: 'record',
    title: `New ${recordWords[e.kind]} in ${e.exerciseName}: ${e.value}${unit}`,
    details: {
      exerciseName: e.exerciseName,
      kind: e.kind,
      value: e.value,
      previous: e.previous,
      weightKg: e.weightKg,
      reps: e.reps,
    },
    occurredAt: e.at,
  };
}

export function workoutItem(e: EventData<typeof workoutEvents.sessionEnded>): NewFeedItem {
  return {
    sourceKey: `workout:${e.sessionId}`,
    userId: e.userId,
    kind: 'workout',
    title: e.durationMinutes > 0 ? `Finished a ${e.durationMinutes}-minute workout` : 'Finished a workout',
    details: { sessionId: e.sessionId, branchId: e.branchId, minutes: e.durationMinutes },
    occurredAt: new Date(e.at).toISOString(),
  };
}
