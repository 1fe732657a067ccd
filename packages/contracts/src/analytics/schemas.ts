import Type, { type Static } from 'typebox';

const at = Type.String({ format: 'date-time' });
/** A calendar date in the member's or the branch's time zone. */
export const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10 });

export const WorkoutPeriod = Type.Union([Type.Literal('week'), Type.Literal('month'), Type.Literal('year')]);
export const LeaderboardPeriod = Type.Union([Type.Literal('week'), Type.Literal('month')]);

const DayFigures = {
  sessions: Type.Integer(),
  sets: Type.Integer(),
  reps: Type.Integer(),
  volumeKg: Type.Number(),
  activeMinutes: Type.Integer(),
  machineMinutes: Type.Integer(),
};

export const WorkoutDayFigures = Type.Object({ date: LocalDate, ...DayFigures });
export type WorkoutDayFigures = Static<typeof WorkoutDayFigures>;

export const WorkoutSummary = Type.Object({
  period: WorkoutPeriod,
  /** First and last day of the period (calendar week from Monday, month or year), inclusive. */
  from: LocalDate,
  to: LocalDate,
  /** The time zone the days are counted in. */
  timeZone: Type.String(),
  totals: Type.Object({
    ...DayFigures,
    /** Sets done against the sets the active plan asks for in the period; null without a plan. */
    planCompletionPct: Type.Union([Type.Number(), Type.Null()]),
  }),
  days: Type.Array(WorkoutDayFigures),
});
export type WorkoutSummary = Static<typeof WorkoutSummary>;

export const RecordKind = Type.Union([
  Type.Literal('heaviest'),
  Type.Literal('estimated_1rm'),
  Type.Literal('most_reps'),
]);
export type RecordKind = Static<typeof RecordKind>;

export const PersonalRecord = Type.Object({
  exerciseName: Type.String(),
  kind: RecordKind,
  /** kg for heaviest and estimated_1rm (Epley), repetitions for most_reps. */
  value: Type.Number(),
  weightKg: Type.Union([Type.Number(), Type.Null()]),
  reps: Type.Union([Type.Integer(), Type.Null()]),
  logId: Type.String(),
  achievedAt: at,
});
export type PersonalRecord = Static<typeof PersonalRecord>;

export const PointsAward = Type.Object({
  id: Type.String(),
  ruleId: Type.String(),
  ruleVersion: Type.Integer(),
  points: Type.Integer(),
  reason: Type.String(),
  /** The event that earned it. */
  sourceEventId: Type.String(),
  occurredAt: at,
  awardedAt: at,
});
export type PointsAward = Static<typeof PointsAward>;

export const Achievement = Type.Object({
  code: Type.String(),
  name: Type.String(),
  description: Type.String(),
  unlocked: Type.Boolean(),
  unlockedAt: Type.Union([at, Type.Null()]),
  sourceEventId: Type.Union([Type.String(), Type.Null()]),
});
export type Achievement = Static<typeof Achievement>;

export const LeaderboardEntry = Type.Object({
  rank: Type.Integer(),
  /** Null where the member blocked the caller: the rank shows, not who holds it. */
  userId: Type.Union([Type.String(), Type.Null()]),
  displayName: Type.Union([Type.String(), Type.Null()]),
  points: Type.Integer(),
});
export type LeaderboardEntry = Static<typeof LeaderboardEntry>;

export const Leaderboard = Type.Object({
  branchId: Type.String(),
  period: LeaderboardPeriod,
  from: LocalDate,
  to: LocalDate,
  timeZone: Type.String(),
  items: Type.Array(LeaderboardEntry),
  /** The caller's own standing, even outside the top; rank null with no points in the period. */
  me: Type.Object({ rank: Type.Union([Type.Integer(), Type.Null()]), points: Type.Integer() }),
});
export type Leaderboard = Static<typeof Leaderboard>;
