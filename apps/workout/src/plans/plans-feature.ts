import { defineFeature } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import { planBindings } from './plan-handlers.ts';

/** Workout plans: from the AI planning service, the member's last AI plan, or the built-in rules. */
export const plansFeature = defineFeature<WorkoutDeps>({
  name: 'plans',
  operations: (deps) => planBindings(deps, deps.library, deps.planner),
});
