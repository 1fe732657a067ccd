import { runService } from '@nxg/platform';
import { loadWorkoutConfig } from './config.ts';
import { buildService } from './service.ts';

const config = loadWorkoutConfig();
await runService({ name: 'workout', config, port: config.WORKOUT_PORT, build: buildService });
