import { loggerOptions, runUntilSignalled, startTelemetry } from '@nxg/platform';
import pino from 'pino';
import { loadIdentityConfig } from './config.ts';
import { buildService } from './service.ts';

const telemetry = startTelemetry('identity');
const config = loadIdentityConfig();
const logger = pino(loggerOptions('identity', config.LOG_LEVEL));

await runUntilSignalled({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  async start() {
    const app = buildService(config, logger);
    await app.listen({ host: config.HOST, port: config.IDENTITY_PORT });
    logger.info(
      { database: app.db.location, cache: app.cache.kind, nats: config.NATS_URL },
      'identity ready',
    );
    return {
      async close() {
        await app.close();
        await telemetry.shutdown();
      },
    };
  },
});
