import type { Logger } from 'pino';

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
