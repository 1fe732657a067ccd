import { loggerOptions, runUntilSignalled, startTelemetry } from '@nxg/platform';
import pino from 'pino';
import { loadWorkoutConfig } from './config.ts';
import { buildService } from './service.ts';

const telemetry = startTelemetry('workout');
const config = loadWorkoutConfig();
const logger = pino(loggerOptions('workout', config.LOG_LEVEL));

await runUntilSignalled({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  async start() {
    const app = buildService(config, logger);
    await app.listen({ host: config.HOST, port: config.WORKOUT_PORT });
    logger.info({ database: app.db.location, nats: config.NATS_URL }, 'workout ready');
    return {
      async close() {
        await app.close();
        await telemetry.shutdown();
      },
    };
  },
});
