import { readFileSync } from 'node:fs';
import { muscleNames } from '@nxg/contracts';
import { dataFiles } from '../data-files.ts';

/**
 * free-exercise-db's vocabularies, in snake_case so they travel well in query strings. Its muscles
 * are the API's (`muscleNames` in contracts): one list, so a muscle the library names always passes
 * the API's validation.
 */
export const muscles = muscleNames;
export type Muscle = (typeof muscles)[number];

export const exerciseEquipment = [
  'bands',
  'barbell',
  'body_only',
  'cable',
  'dumbbell',
  'e_z_curl_bar',
  'exercise_ball',
  'foam_roll',
  'kettlebells',
  'machine',
  'medicine_ball',
  'other',
] as const;
export type ExerciseEquipment = (typeof exerciseEquipment)[number];

export const exerciseLevels = ['beginner', 'intermediate', 'expert'] as const;
export type ExerciseLevel = (typeof exerciseLevels)[number];

export const exerciseCategories = [
  'cardio',
  'olympic_weightlifting',
  'plyometrics',
  'powerlifting',
  'strength',
  'stretching',
  'strongman',
] as const;
export type ExerciseCategory = (typeof exerciseCategories)[number];

export interface ReferenceExercise {
  /** A stable kebab-case slug of free-exercise-db's id ("Barbell_Squat" → "barbell-squat"). */
  id: string;
  /** free-exercise-db's own id. */
  sourceId: string;
  name: string;
  level: ExerciseLevel;
  category: ExerciseCategory;
  /** null where the source gives none: no equipment needed. */
  equipment: ExerciseEquipment | null;
  force: 'pull' | 'push' | 'static' | null;
  mechanic: 'compound' | 'isolation' | null;
  primaryMuscles: Muscle[];
  secondaryMuscles: Muscle[];
  instructions: string[];
}

interface SourceExercise {
  id: string;
  name: string;
  level: string;
  category: string;
  equipment: string | null;
  force: string | null;
  mechanic: string | null;
  primaryMuscles: string[];
  secondaryMuscles: string[];
  instructions: string[];
}

const snake = (value: string) =>
  value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

export const exerciseSlug = (sourceId: string) =>
  sourceId
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** A value from a vocabulary, or an error naming the exercise: a new dataset version must be looked at. */
function oneOf<T extends string>(
  vocabulary: readonly T[],
  value: string,
  exercise: string,
  field: string,
): T {
  const v = snake(value) as T;
  if (!vocabulary.includes(v))
    throw new Error(`free-exercise-db: ${exercise} has an unknown ${field} "${value}"`);
  return v;
}

export function exerciseFromSource(source: SourceExercise): ReferenceExercise {
  const muscle = (m: string) => oneOf(muscles, m, source.id, 'muscle');
  return {
    id: exerciseSlug(source.id),
    sourceId: source.id,
    name: source.name.trim(),
    level: oneOf(exerciseLevels, source.level, source.id, 'level'),
    category: oneOf(exerciseCategories, source.category, source.id, 'category'),
    equipment: source.equipment ? oneOf(exerciseEquipment, source.equipment, source.id, 'equipment') : null,
    force: (source.force as ReferenceExercise['force']) ?? null,
    mechanic: (source.mechanic as ReferenceExercise['mechanic']) ?? null,
    primaryMuscles: source.primaryMuscles.map(muscle),
    secondaryMuscles: source.secondaryMuscles.map(muscle),
    instructions: source.instructions.map((s) => s.trim()).filter(Boolean),
  };
}

/** Every free-exercise-db exercise, read from the pinned dataset. */
export function loadExercises(file = dataFiles.freeExerciseDb()): ReferenceExercise[] {
  const source = JSON.parse(readFileSync(file, 'utf8')) as SourceExercise[];
  return source.map(exerciseFromSource);
}
