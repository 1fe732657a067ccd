import { workout, WorkoutErrors } from '@nxg/contracts';
import {
  activeTrace,
  AppError,
  bind,
  createWriteBatcher,
  decodeCursor,
  toPage,
  requireUser,
  type Binding,
} from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import { insertLogs, logByRequestKey, logsPage, toLog } from './log-store.ts';

/** Sets logged by hand, and the member's log by date range. */
export function logBindings({ db, library }: WorkoutDeps): Binding[] {
  // Sets logged at the same moment share a transaction (group commit): see createWriteBatcher.
  const writeLog = createWriteBatcher({ db, write: insertLogs });
  return [
    bind(workout.logWorkout, async (input, ctx) => {
      const userId = requireUser(ctx);
      const exercise = library().get(input.exerciseId);
      if (!exercise)
        throw new AppError(400, WorkoutErrors.UNKNOWN_EXERCISE, 'No such exercise in the library');
      const performedAt = input.performedAt ? new Date(input.performedAt) : new Date();
      if (performedAt.getTime() > Date.now() + 5 * 60_000) {
        throw new AppError(400, WorkoutErrors.PERFORMED_IN_FUTURE, 'performedAt is in the future');
      }
      const saved = await writeLog({
        userId,
        exerciseId: exercise.id,
        exerciseName: exercise.name,
        reps: input.reps,
        weightKg: input.weightKg,
        durationS: input.durationS,
        source: 'manual',
        performedAt: performedAt.toISOString(),
        requestKey: ctx.idempotencyKey,
        trace: activeTrace(),
      });
      if (saved) return saved;
      // Logged before under this request key: the retry gets the first answer, not a second set.
      const first = ctx.idempotencyKey ? await logByRequestKey(db, userId, ctx.idempotencyKey) : undefined;
      if (!first) throw new Error('a logged set was neither inserted nor found by its request key');
      return first;
    }),

    bind(workout.listLogs, async ({ from, to, limit = 20, cursor }, ctx) => {
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;
      const rows = await logsPage(db, requireUser(ctx), { from, to }, limit + 1, after);
      return toPage(rows.map(toLog), limit, (last) => [last.performedAt, last.id]);
    }),
  ];
}
