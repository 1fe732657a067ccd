import { defineFeature } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import { exerciseBindings } from './exercise-handlers.ts';

/** The exercise library: searchable by name, muscle, equipment and level. */
export const exercisesFeature = defineFeature<WorkoutDeps>({
  name: 'exercises',
  operations: exerciseBindings,
});
