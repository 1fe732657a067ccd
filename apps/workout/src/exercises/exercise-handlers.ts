import { CommonErrorCodes, workout } from '@nxg/contracts';
import { AppError, bind, decodeCursor, type Binding, toPage } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';

/** The exercise library: search by name, filter by muscle, group, equipment, level and machine type. */
export function exerciseBindings({ library }: WorkoutDeps): Binding[] {
  return [
    bind(workout.listExercises, async ({ limit = 20, cursor, ...filter }) => {
      // The library is fixed in memory, so a position in its (deterministic) order is a stable cursor.
      const [offset] = cursor ? decodeCursor(cursor, 1) : [0];
      if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
        throw new AppError(400, CommonErrorCodes.INVALID_CURSOR, 'The cursor is not one this list gave out');
      const found = library().find(filter);
      const rows = found.slice(offset, offset + limit + 1);
      return toPage(rows, limit, () => [offset + limit]);
    }),
  ];
}
