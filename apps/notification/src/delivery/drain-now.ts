import type { Logger } from 'pino';

export interface DrainNow {
  /** Drain at once (a notification was just stored); calls while a drain runs make one more. */
  kick(): void;
  /** No more drains; resolves once the one under way has finished. */
  stop(): Promise<void>;
}

/**
 * Sends a new notification's pushes without waiting for the next drain tick (up to
 * PUSH_DRAIN_INTERVAL_MS otherwise): kicks coalesce into at most one drain running and one to
 * follow. The periodic job stays the safety net (retries, deferred pushes, other replicas' rows).
 */
export function drainNow(drain: () => Promise<unknown>, logger: Logger): DrainNow {
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  const loop = async () => {
    do {
      again = false;
      await drain().catch((err: unknown) => logger.error({ err }, 'push drain failed'));
    } while (again && !stopped);
    running = undefined;
  };
  return {
    kick() {
      if (stopped) return;
      if (running) again = true;
      else running = loop();
    },
    async stop() {
      stopped = true;
      await running;
    },
  };
}
