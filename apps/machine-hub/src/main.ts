import { loggerOptions, runUntilSignalled, startTelemetry } from '@nxg/platform';
import pino from 'pino';
import { loadHubConfig } from './config.ts';
import { buildService } from './service.ts';

const telemetry = startTelemetry('machine-hub');
const config = loadHubConfig();
const logger = pino(loggerOptions('machine-hub', config.LOG_LEVEL));

await runUntilSignalled({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  async start() {
    const app = buildService(config, logger);
    await app.listen({ host: config.HOST, port: config.MACHINE_HUB_PORT });
    logger.info(
      { database: app.db.location, cache: app.cache.kind, nats: config.NATS_URL },
      'machine-hub ready',
    );
    return {
      async close() {
        await app.close();
        await telemetry.shutdown();
      },
    };
  },
});
