/**
 * The rules that award points and unlock achievements. A rule's `version` changes when what it
 * gives changes: awards already in the ledger keep the version they were made under, and an award
 * is unique per rule id (not version), so a new version never awards an occasion twice.
 */
export interface PointsRule {
  id: string;
  version: number;
  points: number;
  reason: string;
}

export const pointsRules = {
  setLogged: { id: 'set-logged', version: 1, points: 1, reason: 'A set logged' },
  workoutDay: { id: 'workout-day', version: 1, points: 10, reason: 'A workout day done' },
  /** Every training day that ends at least STREAK_DAYS days in a row. */
  streakDay: { id: 'streak-day', version: 1, points: 5, reason: 'Three or more days in a row' },
  personalRecord: { id: 'personal-record', version: 1, points: 15, reason: 'A personal record' },
  firstMachineWorkout: {
    id: 'first-machine-workout',
    version: 1,
    points: 25,
    reason: 'A first set on a connected machine',
  },
  /** Once per meal type and day: logging and removing a meal again earns nothing more. */
  mealLogged: { id: 'meal-logged', version: 1, points: 2, reason: 'A meal logged' },
} as const satisfies Record<string, PointsRule>;

/** Days in a row that make a streak worth points. */
export const STREAK_DAYS = 3;

export interface AchievementRule {
  code: string;
  version: number;
  name: string;
  description: string;
  /** For streaks: the days in a row it takes. */
  streakDays?: number;
}

export const achievementRules = {
  firstWorkout: {
    code: 'first-workout',
    version: 1,
    name: 'First workout',
    description: 'Log your first set',
  },
  streak3: {
    code: 'streak-3',
    version: 1,
    name: 'Three in a row',
    description: 'Train three days in a row',
    streakDays: 3,
  },
  streak7: {
    code: 'streak-7',
    version: 1,
    name: 'A week in a row',
    description: 'Train seven days in a row',
    streakDays: 7,
  },
  streak30: {
    code: 'streak-30',
    version: 1,
    name: 'A month in a row',
    description: 'Train thirty days in a row',
    streakDays: 30,
  },
  firstRecord: {
    code: 'first-record',
    version: 1,
    name: 'Personal best',
    description: 'Set your first personal record',
  },
  firstMachineWorkout: {
    code: 'first-machine-workout',
    version: 1,
    name: 'Connected',
    description: 'Finish a set on a connected machine',
  },
} as const satisfies Record<string, AchievementRule>;

export const allAchievements: AchievementRule[] = Object.values(achievementRules);
export const streakAchievements = allAchievements.filter((a) => a.streakDays !== undefined);
