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
