import { machineEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import { logBindings } from './log-handlers.ts';
import { insertLog } from './log-store.ts';

/**
 * Workout logs: members log by hand, and each set a connected machine reports is logged once (the
 * machine frame id is the key; redeliveries change nothing).
 */
export const logsFeature = defineFeature<WorkoutDeps>({
  name: 'logs',
  operations: logBindings,
  consumers: ({ db, library }) => [
    consume('workout_set_completed', machineEvents.machineSetCompleted, async ({ data }) => {
      // Machines name the exercise by our id or its name; an unknown one is logged by its name alone.
      const exercise = library().named(data.exercise);
      await db.transaction((tx) =>
        insertLog(tx, {
          userId: data.userId,
          exerciseId: exercise?.id ?? null,
          exerciseName: exercise?.name ?? data.exercise,
          reps: data.reps,
          weightKg: data.weightKg,
          durationS: data.durationS,
          source: 'machine',
          machineId: data.machineId,
          frameId: data.frameId,
          performedAt: data.at,
        }),
      );
    }),
  ],
});
