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
  /** Metres the connected machines counted. */
  distanceM: Type.Integer(),
  /** kcal the machines measured, and MET estimates (reference data) for sets and cardio without a figure. */
  kcal: Type.Integer(),
};

export const WorkoutDayFigures = Type.Object({ date: LocalDate, ...DayFigures });
export type WorkoutDayFigures = Static<typeof WorkoutDayFigures>;

export const WorkoutSummary = Type.Object({
  period: WorkoutPeriod,
  /** First and last day of the period (calendar week from Monday, month or year), inclusive. */
  from: LocalDate,
  to: LocalDate,
  /**
   * The member's time zone now. Each instant is counted on its day in the zone in effect at that
   * instant, so days from before a move keep the zone they were lived in.
   */
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
  /** Cardio, from a connected machine's workout: metres in one workout, and average km/h over one of 400 m or more. */
  Type.Literal('longest_distance'),
  Type.Literal('fastest_speed'),
]);
export type RecordKind = Static<typeof RecordKind>;

export const PersonalRecord = Type.Object({
  exerciseName: Type.String(),
  kind: RecordKind,
  /** kg for heaviest and estimated_1rm (Epley), repetitions for most_reps, m for longest_distance, km/h for fastest_speed. */
  value: Type.Number(),
  weightKg: Type.Union([Type.Number(), Type.Null()]),
  reps: Type.Union([Type.Integer(), Type.Null()]),
  /** The logged set's id, or the machine link's for a cardio record. */
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

const BodyFigures = {
  weightKg: Type.Union([Type.Number(), Type.Null()]),
  bodyFatPercentage: Type.Union([Type.Number(), Type.Null()]),
  skeletalMuscleMassKg: Type.Union([Type.Number(), Type.Null()]),
};

export const BodyTrendDay = Type.Object({ date: LocalDate, ...BodyFigures });
export type BodyTrendDay = Static<typeof BodyTrendDay>;

export const BodyTrend = Type.Object({
  period: WorkoutPeriod,
  from: LocalDate,
  to: LocalDate,
  timeZone: Type.String(),
  /** Each day of the period with a measurement (the day's last figure of each kind), in order. */
  days: Type.Array(BodyTrendDay),
  /** Last minus first figure of the period; null with fewer than two of that kind. */
  change: Type.Object(BodyFigures),
});
export type BodyTrend = Static<typeof BodyTrend>;

const Macros = {
  kcal: Type.Integer(),
  proteinG: Type.Integer(),
  carbsG: Type.Integer(),
  fatG: Type.Integer(),
};
const MacroPcts = Type.Object({
  kcal: Type.Union([Type.Number(), Type.Null()]),
  proteinG: Type.Union([Type.Number(), Type.Null()]),
  carbsG: Type.Union([Type.Number(), Type.Null()]),
  fatG: Type.Union([Type.Number(), Type.Null()]),
});

export const NutritionDayFigures = Type.Object({
  date: LocalDate,
  /** Meals the meal plan had that day (the newest plan covering it). */
  mealsPlanned: Type.Integer(),
  mealsLogged: Type.Integer(),
  /** Logged meals of a type the plan had that day. */
  plannedMealsLogged: Type.Integer(),
  /** Eaten, from the logged meals. */
  ...Macros,
  /** The plan's daily targets; null on a day no plan covers. */
  targets: Type.Union([Type.Object(Macros), Type.Null()]),
  /** Eaten / target × 100, per figure; null without targets. */
  compliancePct: Type.Union([MacroPcts, Type.Null()]),
});
export type NutritionDayFigures = Static<typeof NutritionDayFigures>;

export const NutritionSummary = Type.Object({
  period: WorkoutPeriod,
  from: LocalDate,
  to: LocalDate,
  timeZone: Type.String(),
  totals: Type.Object({
    mealsPlanned: Type.Integer(),
    mealsLogged: Type.Integer(),
    plannedMealsLogged: Type.Integer(),
    ...Macros,
    /** Average of the daily compliance over the days with targets and a logged meal; null without any. */
    averageCompliancePct: MacroPcts,
  }),
  days: Type.Array(NutritionDayFigures),
});
export type NutritionSummary = Static<typeof NutritionSummary>;
