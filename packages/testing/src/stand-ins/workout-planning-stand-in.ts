import { createHash } from 'node:crypto';
import { fixtureSecrets } from '../fixture-secrets.ts';
import { startStandIn, type StandIn } from './stand-in-server.ts';

// The workout planning service of the seed ("External APIs"): API key in a header, 1000
// requests per hour per key, POST /plans/generate, GET /exercises/library, POST /plans/customize,
// all under /v1. Plans are built by rules from the request, so tests can check what they asked for.

export type StandInGoal = 'strength' | 'hypertrophy' | 'fat_loss' | 'endurance' | 'general_fitness';
export type StandInLevel = 'beginner' | 'intermediate' | 'advanced';

export interface StandInExercise {
  exerciseId: string;
  name: string;
  muscleGroup: string;
  equipment: string;
  kind: 'strength' | 'cardio' | 'mobility';
  /** Held for time rather than counted in reps. */
  timed: boolean;
}

export interface StandInPlannedExercise {
  exerciseId: string;
  exerciseName: string;
  muscleGroup: string;
  equipment: string;
  sets: number;
  reps?: number;
  seconds?: number;
  restSeconds: number;
}

export interface StandInWorkoutDay {
  dayOrder: number;
  muscleGroup: string;
  exercises: StandInPlannedExercise[];
}

export interface StandInPlan {
  planId: string;
  planName: string;
  goal: StandInGoal;
  level: StandInLevel;
  daysPerWeek: number;
  durationWeeks: number;
  equipment: string[];
  workoutDays: StandInWorkoutDay[];
  generatedAt: string;
  customized: boolean;
}

const ex = (
  exerciseId: string,
  name: string,
  muscleGroup: string,
  equipment: string,
  kind: StandInExercise['kind'] = 'strength',
  timed = false,
): StandInExercise => ({ exerciseId, name, muscleGroup, equipment, kind, timed });

/** The exercise library, with bodyweight options for every muscle group. */
export const standInExerciseLibrary: readonly StandInExercise[] = [
  ex('ex-bench-press', 'Barbell Bench Press', 'chest', 'barbell'),
  ex('ex-db-press', 'Dumbbell Bench Press', 'chest', 'dumbbell'),
  ex('ex-chest-press', 'Machine Chest Press', 'chest', 'machine'),
  ex('ex-push-up', 'Push-up', 'chest', 'bodyweight'),
  ex('ex-ohp', 'Overhead Press', 'shoulders', 'barbell'),
  ex('ex-db-shoulder', 'Seated Dumbbell Shoulder Press', 'shoulders', 'dumbbell'),
  ex('ex-pike-push-up', 'Pike Push-up', 'shoulders', 'bodyweight'),
  ex('ex-lateral-raise', 'Lateral Raise', 'shoulders', 'dumbbell'),
  ex('ex-dips', 'Bench Dips', 'triceps', 'bodyweight'),
  ex('ex-pushdown', 'Cable Triceps Pushdown', 'triceps', 'cable'),
  ex('ex-deadlift', 'Deadlift', 'back', 'barbell'),
  ex('ex-row', 'Barbell Row', 'back', 'barbell'),
  ex('ex-db-row', 'One-arm Dumbbell Row', 'back', 'dumbbell'),
  ex('ex-lat-pulldown', 'Lat Pulldown', 'back', 'cable'),
  ex('ex-inverted-row', 'Inverted Row', 'back', 'bodyweight'),
  ex('ex-curl', 'Dumbbell Curl', 'biceps', 'dumbbell'),
  ex('ex-cable-curl', 'Cable Curl', 'biceps', 'cable'),
  ex('ex-chin-up', 'Chin-up', 'biceps', 'bodyweight'),
  ex('ex-squat', 'Back Squat', 'quads', 'barbell'),
  ex('ex-goblet-squat', 'Goblet Squat', 'quads', 'dumbbell'),
  ex('ex-leg-press', 'Leg Press', 'quads', 'machine'),
  ex('ex-air-squat', 'Air Squat', 'quads', 'bodyweight'),
  ex('ex-lunge', 'Walking Lunge', 'quads', 'bodyweight'),
  ex('ex-rdl', 'Romanian Deadlift', 'hamstrings', 'barbell'),
  ex('ex-db-rdl', 'Dumbbell Romanian Deadlift', 'hamstrings', 'dumbbell'),
  ex('ex-leg-curl', 'Lying Leg Curl', 'hamstrings', 'machine'),
  ex('ex-single-leg-rdl', 'Single-leg Romanian Deadlift', 'hamstrings', 'bodyweight'),
  ex('ex-glute-bridge', 'Glute Bridge', 'glutes', 'bodyweight'),
  ex('ex-hip-thrust', 'Barbell Hip Thrust', 'glutes', 'barbell'),
  ex('ex-kb-swing', 'Kettlebell Swing', 'glutes', 'kettlebell'),
  ex('ex-calf-raise', 'Standing Calf Raise', 'calves', 'bodyweight'),
  ex('ex-plank', 'Plank', 'core', 'bodyweight', 'mobility', true),
  ex('ex-dead-bug', 'Dead Bug', 'core', 'bodyweight', 'mobility'),
  ex('ex-cable-crunch', 'Cable Crunch', 'core', 'cable'),
  ex('ex-treadmill-run', 'Treadmill Run', 'cardio', 'treadmill', 'cardio', true),
  ex('ex-incline-walk', 'Treadmill Incline Walk', 'cardio', 'treadmill', 'cardio', true),
  ex('ex-bike', 'Stationary Bike Intervals', 'cardio', 'bike', 'cardio', true),
  ex('ex-rower', 'Rowing Machine', 'cardio', 'rower', 'cardio', true),
  ex('ex-jumping-jacks', 'Jumping Jacks', 'cardio', 'bodyweight', 'cardio', true),
  ex('ex-burpee', 'Burpees', 'cardio', 'bodyweight', 'cardio', true),
];

const goals: readonly StandInGoal[] = ['strength', 'hypertrophy', 'fat_loss', 'endurance', 'general_fitness'];
const levels: readonly StandInLevel[] = ['beginner', 'intermediate', 'advanced'];
const equipmentKinds = [
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
];

/** Muscle groups of each kind of day, in the order they are trained. */
const dayKinds: Record<string, string[]> = {
  full_body: ['quads', 'chest', 'back', 'hamstrings', 'shoulders', 'core'],
  upper: ['chest', 'back', 'shoulders', 'biceps', 'triceps', 'core'],
  lower: ['quads', 'hamstrings', 'glutes', 'calves', 'core', 'quads'],
  push: ['chest', 'shoulders', 'triceps', 'chest', 'shoulders', 'core'],
  pull: ['back', 'biceps', 'back', 'hamstrings', 'biceps', 'core'],
  legs: ['quads', 'hamstrings', 'glutes', 'calves', 'quads', 'core'],
  conditioning: ['cardio', 'core', 'cardio', 'glutes', 'cardio', 'core'],
};

function split(daysPerWeek: number, level: StandInLevel): string[] {
  if (level === 'beginner' && daysPerWeek <= 3) return Array<string>(daysPerWeek).fill('full_body');
  const splits: Record<number, string[]> = {
    1: ['full_body'],
    2: ['upper', 'lower'],
    3: ['push', 'pull', 'legs'],
    4: ['upper', 'lower', 'upper', 'lower'],
    5: ['push', 'pull', 'legs', 'upper', 'lower'],
    6: ['push', 'pull', 'legs', 'push', 'pull', 'legs'],
    7: ['push', 'pull', 'legs', 'push', 'pull', 'legs', 'conditioning'],
  };
  return splits[daysPerWeek] ?? ['full_body'];
}

const prescription: Record<
  StandInGoal,
  { sets: number; reps: number; restSeconds: number; cardioSeconds: number }
> = {
  strength: { sets: 5, reps: 5, restSeconds: 180, cardioSeconds: 600 },
  hypertrophy: { sets: 4, reps: 10, restSeconds: 90, cardioSeconds: 600 },
  fat_loss: { sets: 3, reps: 15, restSeconds: 45, cardioSeconds: 1200 },
  endurance: { sets: 3, reps: 20, restSeconds: 30, cardioSeconds: 1800 },
  general_fitness: { sets: 3, reps: 12, restSeconds: 60, cardioSeconds: 900 },
};

const perDay: Record<StandInLevel, number> = { beginner: 4, intermediate: 5, advanced: 6 };

export interface StandInPlanRequest {
  userId?: string;
  goal: StandInGoal;
  level: StandInLevel;
  daysPerWeek: number;
  equipment?: string[];
}

/** A plan by rules: the split follows days and level, the prescription the goal, the picks the equipment. */
export function planByRules(request: StandInPlanRequest): StandInPlan {
  const equipment = [...new Set(['bodyweight', ...(request.equipment ?? [])])].sort();
  const available = standInExerciseLibrary.filter((e) => equipment.includes(e.equipment));
  const dose = prescription[request.goal];
  const level = request.level;
  const seen = new Map<string, number>();
  const workoutDays = split(request.daysPerWeek, level).map((kind, index): StandInWorkoutDay => {
    const occurrence = seen.get(kind) ?? 0;
    seen.set(kind, occurrence + 1);
    const groups = [...(dayKinds[kind] ?? dayKinds.full_body!)].slice(0, perDay[level]);
    // Fat loss and endurance finish every day with conditioning.
    if ((request.goal === 'fat_loss' || request.goal === 'endurance') && !groups.includes('cardio'))
      groups[groups.length - 1] = 'cardio';
    const used = new Set<string>();
    const exercises: StandInPlannedExercise[] = [];
    groups.forEach((group, slot) => {
      const options = available.filter((e) => e.muscleGroup === group && !used.has(e.exerciseId));
      // A second day of the same kind, or a second slot for the same group, gets another exercise.
      const pick = options[(occurrence + slot) % Math.max(1, options.length)];
      if (!pick) return;
      used.add(pick.exerciseId);
      const base = {
        exerciseId: pick.exerciseId,
        exerciseName: pick.name,
        muscleGroup: pick.muscleGroup,
        equipment: pick.equipment,
      };
      if (pick.kind === 'cardio')
        exercises.push({ ...base, sets: 1, seconds: dose.cardioSeconds, restSeconds: 0 });
      else if (pick.timed)
        exercises.push({ ...base, sets: 3, seconds: level === 'beginner' ? 30 : 45, restSeconds: 30 });
      else
        exercises.push({
          ...base,
          sets: level === 'beginner' ? Math.min(3, dose.sets) : dose.sets,
          reps: dose.reps,
          restSeconds: dose.restSeconds,
        });
    });
    return { dayOrder: index + 1, muscleGroup: kind, exercises };
  });
  const digest = createHash('sha256')
    .update(JSON.stringify([request.goal, level, request.daysPerWeek, equipment]))
    .digest('hex');
  const label = request.goal.replace('_', ' ');
  return {
    planId: `wp-${digest.slice(0, 16)}`,
    planName: `${level[0]!.toUpperCase()}${level.slice(1)} ${label}, ${request.daysPerWeek} days a week`,
    goal: request.goal,
    level,
    daysPerWeek: request.daysPerWeek,
    durationWeeks: level === 'beginner' ? 4 : level === 'intermediate' ? 6 : 8,
    equipment,
    workoutDays,
    generatedAt: new Date().toISOString(),
    customized: false,
  };
}

export interface StandInCustomizations {
  exercises?: Record<
    string,
    { replaceWith?: string; sets?: number; reps?: number; seconds?: number; skip?: boolean }
  >;
}

/** Applies per-exercise changes (swap, sets, reps, seconds, skip) to a plan. */
export function customizeByRules(plan: StandInPlan, customizations: StandInCustomizations): StandInPlan {
  const changes = customizations.exercises ?? {};
  return {
    ...plan,
    customized: true,
    workoutDays: plan.workoutDays.map((day) => ({
      ...day,
      exercises: day.exercises.flatMap((exercise): StandInPlannedExercise[] => {
        const change = changes[exercise.exerciseId];
        if (!change) return [exercise];
        if (change.skip) return [];
        const swap = change.replaceWith
          ? standInExerciseLibrary.find((e) => e.exerciseId === change.replaceWith)
          : undefined;
        return [
          {
            ...exercise,
            ...(swap
              ? {
                  exerciseId: swap.exerciseId,
                  exerciseName: swap.name,
                  muscleGroup: swap.muscleGroup,
                  equipment: swap.equipment,
                }
              : {}),
            ...(change.sets ? { sets: change.sets } : {}),
            ...(change.reps ? { reps: change.reps } : {}),
            ...(change.seconds ? { seconds: change.seconds } : {}),
          },
        ];
      }),
    })),
  };
}

const generateBody = {
  type: 'object',
  required: ['goal', 'level', 'daysPerWeek'],
  properties: {
    userId: { type: 'string', maxLength: 100 },
    goal: { type: 'string', enum: goals },
    level: { type: 'string', enum: levels },
    daysPerWeek: { type: 'integer', minimum: 1, maximum: 7 },
    equipment: { type: 'array', maxItems: 12, items: { type: 'string', enum: equipmentKinds } },
  },
} as const;

const customizeBody = {
  type: 'object',
  required: ['plan', 'customizations'],
  properties: {
    plan: { type: 'object', required: ['planId', 'workoutDays'] },
    customizations: { type: 'object' },
  },
} as const;

export interface WorkoutPlanningStandIn extends StandIn {
  /** Base URL of the API, with its `/v1` prefix. */
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly apiKeyHeader: string;
}

/**
 * The workout planning service, locally: `POST /v1/plans/generate`, `GET /v1/exercises/library`,
 * `POST /v1/plans/customize`, the API key in `X-Api-Key`, its own limit (1000/h unless told).
 */
export async function startWorkoutPlanningStandIn(
  options: { apiKey?: string; apiKeyHeader?: string; rateLimit?: { limit: number; windowS: number } } = {},
): Promise<WorkoutPlanningStandIn> {
  const apiKey = options.apiKey ?? fixtureSecrets.planningApiKey;
  const apiKeyHeader = options.apiKeyHeader ?? 'X-Api-Key';
  const standIn = await startStandIn({
    auth: { kind: 'api-key', header: apiKeyHeader, key: apiKey },
    rateLimit: options.rateLimit ?? { limit: 1000, windowS: 3600 },
    // Valid JSON, wrong shape: what a half-deployed upstream sends.
    garbageBody: '{"plan":{"planId":42,"workoutDays":"coming soon"}}',
    routes(app) {
      app.post('/v1/plans/generate', { schema: { body: generateBody } }, async (request) => ({
        plan: planByRules(request.body as StandInPlanRequest),
      }));
      app.get('/v1/exercises/library', async (request) => {
        const query = request.query as {
          muscleGroup?: string;
          equipment?: string;
          limit?: string;
          offset?: string;
        };
        const matching = standInExerciseLibrary.filter(
          (e) =>
            (!query.muscleGroup || e.muscleGroup === query.muscleGroup) &&
            (!query.equipment || e.equipment === query.equipment),
        );
        const offset = Math.max(0, Number(query.offset) || 0);
        const limit = Math.min(100, Math.max(1, Number(query.limit) || 50));
        return { exercises: matching.slice(offset, offset + limit), total: matching.length };
      });
      app.post('/v1/plans/customize', { schema: { body: customizeBody } }, async (request) => {
        const { plan, customizations } = request.body as {
          plan: StandInPlan;
          customizations: StandInCustomizations;
        };
        return { plan: customizeByRules(plan, customizations) };
      });
    },
  });
  return Object.assign(standIn, { baseUrl: `${standIn.url}/v1`, apiKey, apiKeyHeader });
}
