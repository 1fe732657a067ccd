import type { Exercise } from '@nxg/contracts';
import { createNameIndex, exerciseSlug, loadExercises, type ReferenceExercise } from '@nxg/reference-data';
import { curatedExercises, type CuratedExercise } from './curated-exercises.ts';

/** free-exercise-db's words as ours. */
const groupOfMuscle: Record<string, string> = {
  abdominals: 'core',
  quadriceps: 'legs',
  hamstrings: 'legs',
  glutes: 'legs',
  calves: 'legs',
  adductors: 'legs',
  abductors: 'legs',
  chest: 'chest',
  lats: 'back',
  middle_back: 'back',
  lower_back: 'back',
  traps: 'back',
  shoulders: 'shoulders',
  neck: 'shoulders',
  biceps: 'arms',
  triceps: 'arms',
  forearms: 'arms',
};
const equipmentOf: Record<string, string> = {
  body_only: 'bodyweight',
  kettlebells: 'kettlebell',
  e_z_curl_bar: 'ez_bar',
};
const levelOf = { beginner: 'beginner', intermediate: 'intermediate', expert: 'advanced' } as const;

export function fromReference(r: ReferenceExercise): Exercise {
  const kind = r.category === 'cardio' ? 'cardio' : r.category === 'stretching' ? 'mobility' : 'strength';
  return {
    id: r.id,
    name: r.name,
    muscleGroup:
      kind === 'cardio' ? 'cardio' : kind === 'mobility' ? 'mobility' : groupOfMuscle[r.primaryMuscles[0]!]!,
    // No equipment named: none needed.
    equipment: r.equipment ? (equipmentOf[r.equipment] ?? r.equipment) : 'bodyweight',
    machineType: null,
    kind,
    level: levelOf[r.level],
    category: r.category,
    primaryMuscles: r.primaryMuscles,
    secondaryMuscles: r.secondaryMuscles,
    instructions: r.instructions,
    sourceId: r.sourceId,
  };
}

function fromCurated(curated: CuratedExercise, counterpart: ReferenceExercise | undefined): Exercise {
  const base = counterpart
    ? fromReference(counterpart)
    : { ...curated.own!, instructions: [] as string[], sourceId: null };
  return {
    ...base,
    id: curated.id,
    name: curated.name,
    muscleGroup: curated.muscleGroup,
    equipment: curated.equipment,
    machineType: curated.machineType,
    kind: curated.kind,
  };
}

export interface ExerciseFilter {
  q?: string | undefined;
  muscle?: string | undefined;
  muscleGroup?: string | undefined;
  equipment?: string | undefined;
  level?: string | undefined;
  machineType?: string | undefined;
}

export interface ExerciseLibrary {
  /** Every exercise: the gym's own and free-exercise-db's, by id. */
  readonly all: readonly Exercise[];
  /** The gym's own: what the rule planner builds plans from. */
  readonly curated: readonly Exercise[];
  /** By our id, or by its free-exercise-db id or that id's slug. */
  get(id: string): Exercise | undefined;
  /** By id (as `get`) or by exact name, any case; the gym's own exercise wins a shared name. */
  named(nameOrId: string): Exercise | undefined;
  /** Matching exercises: best name match first with `q`, else by id. */
  find(filter: ExerciseFilter): Exercise[];
}

/**
 * The exercise library: free-exercise-db's exercises with the gym's curated ones in place of their
 * counterparts (the curated ids stay what plans, logs and machines know), plus the curated ones
 * the library lacks. Read-only, held in memory: it changes only with a release.
 */
export function buildExerciseLibrary(reference: readonly ReferenceExercise[]): ExerciseLibrary {
  const bySource = new Map(reference.map((r) => [r.sourceId, r]));
  const claimed = new Set(curatedExercises.map((c) => c.sameAs).filter((s): s is string => s !== null));
  for (const source of claimed)
    if (!bySource.has(source))
      throw new Error(`curated exercise refers to unknown free-exercise-db id ${source}`);
  const curated = curatedExercises.map((c) => fromCurated(c, c.sameAs ? bySource.get(c.sameAs) : undefined));
  const all = [...curated, ...reference.filter((r) => !claimed.has(r.sourceId)).map(fromReference)].sort(
    (a, b) => a.id.localeCompare(b.id),
  );
  const byId = new Map(all.map((e) => [e.id, e]));
  if (byId.size !== all.length) throw new Error('exercise library: two exercises share an id');
  // A curated exercise is also found by its counterpart's id, slug and name ("Pushups" → push-up).
  const aliases = new Map<string, Exercise>();
  for (const e of all) {
    if (e.sourceId) {
      aliases.set(e.sourceId, e);
      aliases.set(exerciseSlug(e.sourceId), e);
    }
  }
  const counterpartName = new Map(
    curatedExercises.filter((c) => c.sameAs).map((c) => [c.id, bySource.get(c.sameAs!)!.name]),
  );
  const byName = new Map<string, Exercise>();
  for (const e of [...all.filter((x) => !x.sourceId || !counterpartName.has(x.id)), ...curated])
    byName.set(e.name.toLowerCase(), e);
  const names = createNameIndex(all, (e) => `${e.name} ${counterpartName.get(e.id) ?? ''}`);

  return {
    all,
    curated,
    get: (id) => byId.get(id) ?? aliases.get(id),
    named: (nameOrId) => byId.get(nameOrId) ?? aliases.get(nameOrId) ?? byName.get(nameOrId.toLowerCase()),
    find({ q, muscle, muscleGroup, equipment, level, machineType }) {
      const candidates = q ? names.search(q) : all;
      return candidates.filter(
        (e) =>
          (!muscle || (e.primaryMuscles as string[]).includes(muscle)) &&
          (!muscleGroup || e.muscleGroup === muscleGroup) &&
          (!equipment || e.equipment === equipment) &&
          (!level || e.level === level) &&
          (!machineType || e.machineType === machineType),
      );
    },
  };
}

/** The library, built on first use (reading the dataset takes a few tens of milliseconds). */
export function lazyExerciseLibrary(): () => ExerciseLibrary {
  let library: ExerciseLibrary | undefined;
  return () => (library ??= buildExerciseLibrary(loadExercises()));
}
