import type { Exercise, WorkoutDay } from '@nxg/contracts';
import type { ExerciseLibrary } from '../exercises/exercise-library.ts';
import { cacheKeyOf, type ExternalClient, type MemberQuota } from '@nxg/external';
import Type from 'typebox';
import type { PlanRequest } from './rule-planner.ts';

/** The planning service's answer, as much of it as we use: checked, so garbage is an error, not a plan. */
const AiPlanResponse = Type.Object({
  plan: Type.Object({
    workoutDays: Type.Array(
      Type.Object({
        dayOrder: Type.Integer({ minimum: 1, maximum: 7 }),
        muscleGroup: Type.String(),
        exercises: Type.Array(
          Type.Object({
            exerciseId: Type.String(),
            exerciseName: Type.String(),
            sets: Type.Integer({ minimum: 1, maximum: 20 }),
            reps: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
            seconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 7200 })),
          }),
          { minItems: 1 },
        ),
      }),
      { minItems: 1 },
    ),
  }),
});

/** Our goals in the planning service's words. */
const goalOf = {
  lose_weight: 'fat_loss',
  build_muscle: 'hypertrophy',
  endurance: 'endurance',
  general_fitness: 'general_fitness',
} as const;

export type AiPlanner = (
  userId: string,
  request: PlanRequest,
) => Promise<{ days: WorkoutDay[]; source: 'ai' | 'cache' }>;

/**
 * Plans from the workout planning service (seed: POST /plans/generate, cached 24 h). Its exercises
 * are mapped onto our library by id or name, so logs and machines refer to the same exercises.
 * Each call that reaches the service takes one from the member's allowance (`perMember`); a cached
 * plan does not.
 */
export function createAiPlanner(
  client: ExternalClient,
  library: () => ExerciseLibrary,
  perMember: MemberQuota,
): AiPlanner {
  return async (userId, request) => {
    const body = {
      userId,
      goal: goalOf[request.goal],
      level: request.level,
      daysPerWeek: request.daysPerWeek,
      ...(request.equipment ? { equipment: request.equipment } : {}),
    };
    const result = await client.request({
      method: 'POST',
      path: '/plans/generate',
      body,
      schema: AiPlanResponse,
      // Generating is safe to repeat: the same request gives an equivalent plan.
      idempotent: true,
      cacheKey: cacheKeyOf('workout-plan', body),
      cacheTtlS: 24 * 3600,
      operation: 'plans.generate',
      beforeNetwork: () => perMember.take(userId),
    });
    const { all, get } = library();
    const byName = new Map<string, Exercise>(all.map((e) => [e.name.toLowerCase(), e]));
    const days: WorkoutDay[] = result.data.plan.workoutDays.map((day) => ({
      dayOrder: day.dayOrder,
      muscleGroup: day.muscleGroup,
      exercises: day.exercises.map((e) => {
        const ours = get(e.exerciseId) ?? byName.get(e.exerciseName.toLowerCase());
        return {
          exerciseId: ours?.id ?? e.exerciseId,
          exerciseName: ours?.name ?? e.exerciseName,
          sets: e.sets,
          ...(e.reps !== undefined ? { reps: e.reps } : {}),
          ...(e.seconds !== undefined ? { seconds: e.seconds } : {}),
        };
      }),
    }));
    return { days, source: result.source === 'network' ? 'ai' : 'cache' };
  };
}
