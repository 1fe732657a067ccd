import { loggerOptions, runUntilSignalled, startTelemetry } from '@nxg/platform';
import pino from 'pino';
import { loadGatewayConfig } from './config.ts';
import { buildService } from './service.ts';

const telemetry = startTelemetry('gateway');
const config = loadGatewayConfig();
const logger = pino(loggerOptions('gateway', config.LOG_LEVEL));

await runUntilSignalled({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  async start() {
    const app = buildService(config, logger);
    await app.listen({ host: config.HOST, port: config.GATEWAY_PORT });
    logger.info({ cache: app.cache.kind, nats: config.NATS_URL }, 'gateway ready');
    return {
      async close() {
        await app.close();
        await telemetry.shutdown();
      },
    };
  },
});
