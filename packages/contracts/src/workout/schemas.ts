import Type, { type Static } from 'typebox';

const at = Type.String({ format: 'date-time' });

export const equipmentKinds = [
  'bodyweight',
  'dumbbell',
  'barbell',
  'kettlebell',
  'cable',
  'machine',
  'treadmill',
  'bike',
  'rower',
  'bench',
  'bands',
  'ez_bar',
  'exercise_ball',
  'medicine_ball',
  'foam_roll',
  'other',
] as const;
export const Equipment = Type.Enum(equipmentKinds);

/** The muscles of the exercise library (free-exercise-db's, in snake_case). */
export const muscleNames = [
  'abdominals',
  'abductors',
  'adductors',
  'biceps',
  'calves',
  'chest',
  'forearms',
  'glutes',
  'hamstrings',
  'lats',
  'lower_back',
  'middle_back',
  'neck',
  'quadriceps',
  'shoulders',
  'traps',
  'triceps',
] as const;
export const Muscle = Type.Enum(muscleNames);

/** The coarse groups plans are built from. */
export const muscleGroups = [
  'legs',
  'chest',
  'back',
  'shoulders',
  'arms',
  'core',
  'full_body',
  'cardio',
  'mobility',
] as const;
export const MuscleGroup = Type.Enum(muscleGroups);

export const exerciseLevels = ['beginner', 'intermediate', 'advanced'] as const;
export const ExerciseLevel = Type.Enum(exerciseLevels);

export const Exercise = Type.Object({
  id: Type.String(),
  name: Type.String(),
  muscleGroup: Type.String(),
  equipment: Type.String(),
  /** The machine type it is done on, when it is done on a connected machine. */
  machineType: Type.Union([
    Type.Literal('cardio'),
    Type.Literal('strength'),
    Type.Literal('functional'),
    Type.Null(),
  ]),
  kind: Type.Union([Type.Literal('strength'), Type.Literal('cardio'), Type.Literal('mobility')]),
  level: ExerciseLevel,
  /** free-exercise-db's category: strength, stretching, plyometrics, cardio, powerlifting… */
  category: Type.String(),
  primaryMuscles: Type.Array(Muscle),
  secondaryMuscles: Type.Array(Muscle),
  instructions: Type.Array(Type.String()),
  /** The free-exercise-db exercise it is (its id there), or null for the gym's own. */
  sourceId: Type.Union([Type.String(), Type.Null()]),
});
export type Exercise = Static<typeof Exercise>;

export const PlannedExercise = Type.Object({
  exerciseId: Type.String(),
  exerciseName: Type.String(),
  sets: Type.Integer({ minimum: 1, maximum: 20 }),
  reps: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  seconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 7200 })),
});
export type PlannedExercise = Static<typeof PlannedExercise>;

export const WorkoutDay = Type.Object({
  dayOrder: Type.Integer({ minimum: 1, maximum: 7 }),
  muscleGroup: Type.String(),
  exercises: Type.Array(PlannedExercise),
});
export type WorkoutDay = Static<typeof WorkoutDay>;

export const PlanSource = Type.Union([Type.Literal('ai'), Type.Literal('cache'), Type.Literal('fallback')]);

/** Per day and exercise: what the member changed (swap, sets, reps, skip), kept apart from the plan data. */
export const Customizations = Type.Object(
  {
    exercises: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 100 }),
        Type.Object(
          {
            replaceWith: Type.Optional(Type.String({ maxLength: 100 })),
            sets: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
            reps: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            seconds: Type.Optional(Type.Integer({ minimum: 5, maximum: 7200 })),
            skip: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        { maxProperties: 100 },
      ),
    ),
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type Customizations = Static<typeof Customizations>;

export const WorkoutPlan = Type.Object({
  id: Type.String(),
  name: Type.String(),
  source: PlanSource,
  goal: Type.String(),
  level: Type.String(),
  daysPerWeek: Type.Integer(),
  /** The plan as generated. */
  days: Type.Array(WorkoutDay),
  customizations: Customizations,
  /** `days` with the customizations applied: what the member trains. */
  effectiveDays: Type.Array(WorkoutDay),
  active: Type.Boolean(),
  createdAt: at,
});
export type WorkoutPlan = Static<typeof WorkoutPlan>;

export const GymSession = Type.Object({
  id: Type.String(),
  branchId: Type.String(),
  startedAt: at,
  endedAt: Type.Union([at, Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('completed'), Type.Literal('expired')]),
  startedBy: Type.Union([Type.Literal('check-in'), Type.Literal('machine-link')]),
  endReason: Type.Union([Type.String(), Type.Null()]),
  machinesUsed: Type.Array(Type.String()),
  durationMinutes: Type.Union([Type.Integer(), Type.Null()]),
});
export type GymSession = Static<typeof GymSession>;

/** A member in the gym now, as the branch's staff see them. */
export const MemberInGym = Type.Object({
  sessionId: Type.String(),
  userId: Type.String(),
  /** The member's first name; "Member" until workout has learned it from identity. */
  displayName: Type.String(),
  since: at,
  lastActivityAt: at,
  startedBy: Type.Union([Type.Literal('check-in'), Type.Literal('machine-link')]),
  /** Ids of the branch's machines used in this session, first use first. */
  machinesUsed: Type.Array(Type.String()),
});
export type MemberInGym = Static<typeof MemberInGym>;

export const WorkoutLog = Type.Object({
  id: Type.String(),
  exerciseId: Type.Union([Type.String(), Type.Null()]),
  exerciseName: Type.String(),
  reps: Type.Union([Type.Integer(), Type.Null()]),
  weightKg: Type.Union([Type.Number(), Type.Null()]),
  durationS: Type.Union([Type.Number(), Type.Null()]),
  source: Type.Union([Type.Literal('manual'), Type.Literal('machine')]),
  machineId: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.Union([Type.String(), Type.Null()]),
  performedAt: at,
});
export type WorkoutLog = Static<typeof WorkoutLog>;
