import type { Exercise } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';

interface ExerciseRow {
  id: string;
  name: string;
  muscle_group: string;
  equipment: string;
  machine_type: Exercise['machineType'];
  kind: Exercise['kind'];
  [key: string]: unknown;
}

export const toExercise = (r: ExerciseRow): Exercise => ({
  id: r.id,
  name: r.name,
  muscleGroup: r.muscle_group,
  equipment: r.equipment,
  machineType: r.machine_type,
  kind: r.kind,
});

/**
 * Finds an exercise by id in memory: the library changes only with a migration, so it is read
 * once; an id it lacks is looked up again (and kept) in case one was added since.
 */
export function exerciseFinder(db: Queryable) {
  type Found = { id: string; name: string };
  let library: Promise<Map<string, Found>> | undefined;
  const load = () =>
    db.query<Found>('SELECT id, name FROM exercises').then((rows) => new Map(rows.map((r) => [r.id, r])));
  return async (id: string): Promise<Found | undefined> => {
    library ??= load().catch((error: unknown) => {
      library = undefined;
      throw error;
    });
    const byId = await library;
    const known = byId.get(id);
    if (known) return known;
    const [found] = await db.query<Found>('SELECT id, name FROM exercises WHERE id = $1', [id]);
    if (found) byId.set(found.id, found);
    return found;
  };
}

export async function allExercises(db: Queryable): Promise<Exercise[]> {
  return (await db.query<ExerciseRow>('SELECT * FROM exercises ORDER BY id')).map(toExercise);
}

export async function exercisesPage(
  db: Queryable,
  filter: {
    muscleGroup?: string | undefined;
    equipment?: string | undefined;
    machineType?: string | undefined;
  },
  limit: number,
  afterId?: string,
) {
  const rows = await db.query<ExerciseRow>(
    `SELECT * FROM exercises WHERE ($1::text IS NULL OR muscle_group = $1) AND ($2::text IS NULL OR equipment = $2)
       AND ($3::text IS NULL OR machine_type = $3) AND ($4::text IS NULL OR id > $4)
     ORDER BY id LIMIT $5`,
    [
      filter.muscleGroup ?? null,
      filter.equipment ?? null,
      filter.machineType ?? null,
      afterId ?? null,
      limit,
    ],
  );
  return rows.map(toExercise);
}
