import type { FastifyInstance } from 'fastify';
import pino, { type Logger } from 'pino';
import { loggerOptions } from './logger.ts';
import { startTelemetry } from './telemetry.ts';

export interface Stoppable {
  close(): Promise<void>;
}

/**
 * The process side of a service (only `main.ts` uses it): start, then on SIGTERM/SIGINT stop
 * gracefully within `timeoutMs`; a crash is logged and exits non-zero for the supervisor to restart.
 */
export async function runUntilSignalled(options: {
  logger: Logger;
  timeoutMs: number;
  start: () => Promise<Stoppable>;
}): Promise<void> {
  const { logger } = options;
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'unhandled rejection');
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
  let service: Stoppable;
  try {
    service = await options.start();
  } catch (error) {
    logger.fatal({ err: error }, 'start-up failed');
    process.exit(1);
  }
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    const timer = setTimeout(() => {
      logger.error('graceful stop timed out; exiting');
      process.exit(1);
    }, options.timeoutMs);
    timer.unref();
    try {
      await service.close();
      logger.info('stopped');
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'stop failed');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

/**
 * Everything a service's `main.ts` does: telemetry, a logger, build the Fastify service, listen on
 * its port, say what it uses, and stop gracefully on a signal.
 */
export async function runService<
  C extends { LOG_LEVEL: string; SHUTDOWN_TIMEOUT_MS: number; HOST: string; NATS_URL: string },
>(options: {
  name: string;
  config: C;
  port: number;
  build: (config: C, logger: Logger) => FastifyInstance;
}): Promise<void> {
  const { name, config } = options;
  const telemetry = startTelemetry(name);
  const logger = pino(loggerOptions(name, config.LOG_LEVEL));
  await runUntilSignalled({
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    async start() {
      const app = options.build(config, logger);
      await app.listen({ host: config.HOST, port: options.port });
      logger.info(
        {
          nats: config.NATS_URL,
          ...(app.hasDecorator('db') ? { database: app.db.location } : {}),
          ...(app.hasDecorator('cache') ? { cache: app.cache.kind } : {}),
        },
        `${name} ready`,
      );
      return {
        async close() {
          await app.close();
          await telemetry.shutdown();
        },
      };
    },
  });
}
