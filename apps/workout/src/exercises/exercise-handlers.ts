import { workout } from '@nxg/contracts';
import { bind, decodeCursor, type Binding, toPage } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import { exercisesPage } from './exercise-store.ts';

/** The exercise library, filterable by muscle group, equipment and machine type. */
export function exerciseBindings({ db }: WorkoutDeps): Binding[] {
  return [
    bind(workout.listExercises, async ({ muscleGroup, equipment, machineType, limit = 20, cursor }) => {
      const [afterId] = cursor ? (decodeCursor(cursor, 1) as [string]) : [];
      const rows = await exercisesPage(db, { muscleGroup, equipment, machineType }, limit + 1, afterId);
      return toPage(rows, limit, (last) => [last.id]);
    }),
  ];
}
