import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from '@nxg/platform';
import type { Logger } from 'pino';
import type { WorkoutConfig } from './config.ts';
import type { ExerciseLibrary } from './exercises/exercise-library.ts';
import type { AiPlanner } from './plans/ai-planner.ts';

/** What workout's features work with, assembled once by the service's context. */
export interface WorkoutDeps {
  config: WorkoutConfig;
  db: Database;
  nc: NatsConnection;
  logger: Logger;
  /** The exercise library, built once on first use. */
  library: () => ExerciseLibrary;
  /** The AI planning service, when one is configured. */
  planner: AiPlanner | undefined;
}
