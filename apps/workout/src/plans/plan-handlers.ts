import { CommonErrorCodes, workout, type WorkoutDay, WorkoutErrors } from '@nxg/contracts';
import { AppError, bind, requireUser, type Binding } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import type { ExerciseLibrary } from '../exercises/exercise-library.ts';
import type { AiPlanner } from './ai-planner.ts';
import { activatePlan, activePlanRow, lastAiPlan, toPlan } from './plan-store.ts';
import { planByRules, type Focus, type Goal, type Level, type PlanRequest } from './rule-planner.ts';

const defaultDays: Record<Level, number> = { beginner: 3, intermediate: 4, advanced: 5 };

/** Plans: from the AI service, else the member's last AI plan, else the built-in rules. */
export function planBindings(
  deps: WorkoutDeps,
  library: () => ExerciseLibrary,
  aiPlanner: AiPlanner | undefined,
): Binding[] {
  const { db, logger } = deps;
  const names = async () => new Map(library().all.map((e) => [e.id, e.name]));

  return [
    bind(workout.generatePlan, async (input, ctx) => {
      const userId = requireUser(ctx);
      const [profile] = await db.query<{ goal: string | null; level: string | null }>(
        'SELECT goal, level FROM member_profiles WHERE user_id = $1',
        [userId],
      );
      const level = (profile?.level ?? 'beginner') as Level;
      const request: PlanRequest = {
        goal: (profile?.goal ?? 'general_fitness') as Goal,
        level,
        daysPerWeek: input.daysPerWeek ?? defaultDays[level],
        ...(input.focus ? { focus: input.focus as Focus } : {}),
        ...(input.equipment ? { equipment: input.equipment } : {}),
      };
      let source: 'ai' | 'cache' | 'fallback' = 'fallback';
      let days: WorkoutDay[] | undefined;
      if (aiPlanner) {
        try {
          ({ days, source } = await aiPlanner(userId, request));
        } catch (error) {
          // The member's own allowance is spent: say so, rather than hand out a lesser plan.
          if (error instanceof AppError && error.code === CommonErrorCodes.MEMBER_QUOTA_EXHAUSTED)
            throw error;
          logger.warn(
            { err: error, userId },
            'AI planner unavailable; using the last good plan or the rules',
          );
          const last = await lastAiPlan(db, userId);
          if (last) {
            days = last.plan_data.days;
            source = 'cache';
          }
        }
      }
      // The rules plan from the gym's own exercises: those its machines and staff know.
      days ??= planByRules(request, [...library().curated]);
      const name = `${request.daysPerWeek}-day ${request.goal.replaceAll('_', ' ')} plan`;
      const row = await db.transaction((tx) =>
        activatePlan(tx, {
          userId,
          name,
          source,
          goal: request.goal,
          level,
          daysPerWeek: request.daysPerWeek,
          days: days!,
        }),
      );
      return toPlan(row, await names());
    }),

    bind(workout.activePlan, async (_input, ctx) => {
      const row = await activePlanRow(db, requireUser(ctx));
      if (!row) throw new AppError(404, WorkoutErrors.NO_ACTIVE_PLAN, 'You have no plan yet; generate one');
      return toPlan(row, await names());
    }),

    bind(workout.customizePlan, async ({ planId, customizations }, ctx) => {
      const userId = requireUser(ctx);
      const known = await names();
      for (const [id, change] of Object.entries(customizations.exercises ?? {})) {
        if (change.replaceWith && !known.has(change.replaceWith)) {
          throw new AppError(
            400,
            WorkoutErrors.UNKNOWN_EXERCISE,
            `No exercise ${change.replaceWith} (for ${id}) in the library`,
          );
        }
      }
      const [row] = await db.query(
        'UPDATE workout_plans SET customizations = $3 WHERE id = $1 AND user_id = $2 AND active RETURNING *',
        [planId, userId, JSON.stringify(customizations)],
      );
      // Another member's plan id is answered exactly like a missing one.
      if (!row) throw new AppError(404, WorkoutErrors.PLAN_NOT_FOUND, 'No such active plan of yours');
      return toPlan(row as never, known);
    }),

    bind(workout.plannedForMachine, async ({ userId, machineType }) => {
      const row = await activePlanRow(db, userId);
      if (!row) return { exercises: [] };
      const onMachine = new Set(
        library()
          .all.filter((e) => e.machineType === machineType)
          .map((e) => e.id),
      );
      const plan = toPlan(row, await names());
      return {
        exercises: plan.effectiveDays.flatMap((d) => d.exercises).filter((e) => onMachine.has(e.exerciseId)),
      };
    }),
  ];
}
