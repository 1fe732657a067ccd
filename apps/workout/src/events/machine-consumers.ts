import { consumerNamed, machineEvents } from '@nxg/contracts';
import { runConsumer, type ConsumerRunner } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import { insertLog } from '../logs/log-store.ts';
import { startSession, touchSession } from '../sessions/session-store.ts';

/**
 * What connected machines tell workout: a link starts a gym session if none is running, and each
 * completed set is logged once (the machine frame id is the key; redeliveries change nothing).
 */
export async function startMachineConsumers(deps: WorkoutDeps): Promise<ConsumerRunner[]> {
  const { db, nc, logger, outbox } = deps;
  const linked = await runConsumer(nc, {
    consumer: consumerNamed('workout_machine_linked'),
    event: machineEvents.machineLinked,
    logger,
    handle: async ({ data }) => {
      await db.transaction(async (tx) => {
        const started = await startSession(tx, data.userId, data.branchId, 'machine-link', data.machineId);
        if (!started) await touchSession(tx, data.userId, data.machineId);
      });
      outbox.kick();
    },
  });
  const sets = await runConsumer(nc, {
    consumer: consumerNamed('workout_set_completed'),
    event: machineEvents.machineSetCompleted,
    logger,
    handle: async ({ data }) => {
      const [exercise] = await db.query<{ id: string; name: string }>(
        'SELECT id, name FROM exercises WHERE lower(name) = lower($1) OR id = $1 LIMIT 1',
        [data.exercise],
      );
      const saved = await db.transaction((tx) =>
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
      if (saved) outbox.kick();
    },
  });
  return [linked, sets];
}
