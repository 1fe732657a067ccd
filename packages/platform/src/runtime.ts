import type { TProperties } from 'typebox';
import pino, { type Logger } from 'pino';
import { loggerOptions } from './logger.ts';
import { startTelemetry } from './telemetry.ts';
import { ConfigError } from './config.ts';
import { buildService, loadServiceConfig } from './kit/build-service.ts';
import type { ServiceDefinition } from './kit/define-service.ts';

/** The exit code of a process that cannot start as configured (sysexits EX_CONFIG): not restarted. */
export const EXIT_CONFIG = 78;

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
    if (error instanceof ConfigError) {
      // Starting again would fail the same way: say what to change and do not ask for a restart.
      logger.fatal(error.message);
      process.exit(EXIT_CONFIG);
    }
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
 * Everything a service's `main.ts` does: check its configuration, start telemetry and a logger,
 * build the service from its definition, listen on its port, say what it uses, and stop
 * gracefully on a signal. A configuration error exits with code 78 (EX_CONFIG) and a message
 * naming the variable: a supervisor must not restart it in a loop.
 */
export async function runService<P extends TProperties, D>(
  definition: ServiceDefinition<P, D>,
): Promise<void> {
  const { name } = definition;
  let config: ReturnType<typeof loadServiceConfig<P, D>>;
  try {
    config = loadServiceConfig(definition);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${name}: ${error.message}\n`);
    process.exit(EXIT_CONFIG);
  }
  const telemetry = startTelemetry(name);
  const logger = pino(loggerOptions(name, config.LOG_LEVEL));
  await runUntilSignalled({
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    async start() {
      const app = buildService(definition, config, logger);
      await app.listen({ host: config.HOST, port: Number(config[definition.port as keyof typeof config]) });
      logger.info(
        {
          nats: config.NATS_URL,
          ...(definition.migrations ? { database: app.kit.db.location } : {}),
          cache: app.kit.cache.kind,
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
