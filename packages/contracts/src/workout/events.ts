import Type from 'typebox';
import { defineEvent } from '../event.ts';

const at = Type.String({ format: 'date-time' });

export const planGenerated = defineEvent({
  type: 'workout.plan.generated',
  stream: 'WORKOUT',
  dataVersion: 1,
  description:
    'A member got a new active workout plan; source says where it came from (ai, cache, fallback).',
  data: Type.Object({
    userId: Type.String(),
    planId: Type.String(),
    source: Type.String(),
    daysPerWeek: Type.Integer(),
    /** Sets the plan asks for in a week (all its days), for plan completion; absent in older events. */
    plannedSetsPerWeek: Type.Optional(Type.Integer({ minimum: 0 })),
    at,
  }),
});

export const sessionStarted = defineEvent({
  type: 'workout.session.started',
  stream: 'WORKOUT',
  dataVersion: 1,
  description: 'A gym session started, by check-in or by linking to a machine.',
  data: Type.Object({
    userId: Type.String(),
    sessionId: Type.String(),
    branchId: Type.String(),
    startedBy: Type.String(),
    at,
  }),
});

export const sessionEnded = defineEvent({
  type: 'workout.session.ended',
  stream: 'WORKOUT',
  dataVersion: 1,
  description: 'A gym session ended: check-out, idle time, or the branch closing.',
  data: Type.Object({
    userId: Type.String(),
    sessionId: Type.String(),
    branchId: Type.String(),
    reason: Type.String(),
    durationMinutes: Type.Integer(),
    at,
  }),
});

export const exerciseLogged = defineEvent({
  type: 'workout.exercise.logged',
  stream: 'WORKOUT',
  dataVersion: 1,
  description: 'A set was logged, by hand or from a connected machine (once per machine frame).',
  data: Type.Object({
    userId: Type.String(),
    logId: Type.String(),
    exerciseName: Type.String(),
    reps: Type.Union([Type.Integer(), Type.Null()]),
    weightKg: Type.Union([Type.Number(), Type.Null()]),
    durationS: Type.Union([Type.Number(), Type.Null()]),
    source: Type.String(),
    sessionId: Type.Union([Type.String(), Type.Null()]),
    at,
  }),
});

export const all = [planGenerated, sessionStarted, sessionEnded, exerciseLogged];
