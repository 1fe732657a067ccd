import Type from 'typebox';
import { defineOperation } from '../operation.ts';
import { CommonErrorCodes as C } from '../errors.ts';
import { WorkoutErrors as E } from './errors.ts';
import { Id, page, Pagination } from '../identity/schemas.ts';
import {
  Customizations,
  Equipment,
  Exercise,
  ExerciseLevel,
  GymSession,
  MemberInGym,
  Muscle,
  MuscleGroup,
  PlannedExercise,
  WorkoutLog,
  WorkoutPlan,
} from './schemas.ts';

const humans = ['member'] as const;
const at = Type.String({ format: 'date-time' });

export const checkIn = defineOperation('workout', 'sessions.checkIn', {
  summary: 'Start a gym session at a branch',
  http: { method: 'POST', path: '/v1/sessions/check-in', status: 201 },
  access: humans,
  body: Type.Object({ branchId: Id }, { additionalProperties: false }),
  output: GymSession,
  errors: [E.SESSION_ALREADY_ACTIVE],
});

export const checkOut = defineOperation('workout', 'sessions.checkOut', {
  summary: 'End the current gym session',
  http: { method: 'POST', path: '/v1/sessions/check-out', status: 200 },
  access: humans,
  output: GymSession,
  errors: [E.NO_ACTIVE_SESSION],
});

export const currentSession = defineOperation('workout', 'sessions.current', {
  summary: 'The gym session in progress, if any',
  http: { method: 'GET', path: '/v1/sessions/current', status: 200 },
  access: humans,
  output: GymSession,
  errors: [E.NO_ACTIVE_SESSION],
});

export const listSessions = defineOperation('workout', 'sessions.list', {
  summary: 'Gym sessions, newest first',
  http: { method: 'GET', path: '/v1/sessions', status: 200 },
  access: humans,
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(GymSession),
});

export const membersInGym = defineOperation('workout', 'sessions.branch.active', {
  summary:
    "Members in the gym now: the branch's active sessions, since when and on which machines (the branch's staff)",
  http: { method: 'GET', path: '/v1/branches/{branchId}/sessions/active', status: 200 },
  access: ['platform_admin', 'branch_admin', 'trainer'],
  params: Type.Object({ branchId: Id }, { additionalProperties: false }),
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(MemberInGym),
});

export const generatePlan = defineOperation('workout', 'plans.generate', {
  summary:
    'A new workout plan from the member’s profile and goal (AI, else the last good plan, else built-in rules)',
  http: { method: 'POST', path: '/v1/workouts/plans/generate', status: 201 },
  access: humans,
  critical: true,
  body: Type.Object(
    {
      daysPerWeek: Type.Optional(Type.Integer({ minimum: 1, maximum: 7 })),
      focus: Type.Optional(
        Type.Union(
          ['full_body', 'upper', 'lower', 'push', 'pull', 'cardio', 'strength'].map((f) => Type.Literal(f)),
        ),
      ),
      equipment: Type.Optional(Type.Array(Type.String({ maxLength: 30 }), { maxItems: 12 })),
    },
    { additionalProperties: false },
  ),
  output: WorkoutPlan,
  errors: [C.MEMBER_QUOTA_EXHAUSTED],
});

export const activePlan = defineOperation('workout', 'plans.active', {
  summary: 'The member’s active plan',
  http: { method: 'GET', path: '/v1/workouts/plans/active', status: 200 },
  access: humans,
  output: WorkoutPlan,
  errors: [E.NO_ACTIVE_PLAN],
});

export const customizePlan = defineOperation('workout', 'plans.customize', {
  summary:
    'Change the plan for yourself (kept apart from the plan, carried to the next plan where it still applies)',
  http: { method: 'PATCH', path: '/v1/workouts/plans/{planId}', status: 200 },
  access: humans,
  params: Type.Object({ planId: Id }, { additionalProperties: false }),
  body: Type.Object({ customizations: Customizations }, { additionalProperties: false }),
  output: WorkoutPlan,
  errors: [E.UNKNOWN_EXERCISE, E.PLAN_NOT_FOUND],
});

export const listExercises = defineOperation('workout', 'exercises.list', {
  summary:
    'The exercise library: search by name (words or their beginnings, best match first), filter by muscle, group, equipment, level and machine',
  http: { method: 'GET', path: '/v1/workouts/exercises', status: 200 },
  access: humans,
  query: Type.Object(
    {
      q: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      /** Exercises whose primary muscles include this one. */
      muscle: Type.Optional(Muscle),
      muscleGroup: Type.Optional(MuscleGroup),
      equipment: Type.Optional(Equipment),
      level: Type.Optional(ExerciseLevel),
      machineType: Type.Optional(
        Type.Union([Type.Literal('cardio'), Type.Literal('strength'), Type.Literal('functional')]),
      ),
      ...Pagination,
    },
    { additionalProperties: false },
  ),
  output: page(Exercise),
});

export const logWorkout = defineOperation('workout', 'logs.create', {
  summary: 'Log a set done by hand',
  http: { method: 'POST', path: '/v1/workouts/logs', status: 201 },
  access: humans,
  critical: true,
  body: Type.Object(
    {
      exerciseId: Type.String({ minLength: 1, maxLength: 100 }),
      reps: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
      weightKg: Type.Optional(Type.Number({ minimum: 0, maximum: 1000 })),
      durationS: Type.Optional(Type.Number({ minimum: 0, maximum: 36_000 })),
      performedAt: Type.Optional(at),
    },
    { additionalProperties: false },
  ),
  output: WorkoutLog,
  errors: [E.UNKNOWN_EXERCISE, E.PERFORMED_IN_FUTURE],
});

export const listLogs = defineOperation('workout', 'logs.list', {
  summary: 'Logged sets, newest first, optionally between two instants',
  http: { method: 'GET', path: '/v1/workouts/logs', status: 200 },
  access: humans,
  query: Type.Object(
    { from: Type.Optional(at), to: Type.Optional(at), ...Pagination },
    { additionalProperties: false },
  ),
  output: page(WorkoutLog),
});

/** Internal (NATS only): what machine-hub puts in a machine's `linked` frame. */
export const plannedForMachine = defineOperation('workout', 'plans.forMachine', {
  summary: 'The planned exercises of a member’s active plan for one machine type',
  access: [],
  callers: ['machine-hub'],
  body: Type.Object(
    { userId: Id, machineType: Type.String({ maxLength: 20 }) },
    { additionalProperties: false },
  ),
  output: Type.Object({ exercises: Type.Array(PlannedExercise) }),
});

export const all = [
  checkIn,
  checkOut,
  currentSession,
  listSessions,
  membersInGym,
  generatePlan,
  activePlan,
  customizePlan,
  listExercises,
  logWorkout,
  listLogs,
  plannedForMachine,
] as const;
