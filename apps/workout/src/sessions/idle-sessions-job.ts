import type { WorkoutDeps } from '../deps.ts';
import { endSession } from './session-store.ts';

const JOB_LOCK = 72_040_001;

/**
 * Ends sessions nobody touched for SESSION_IDLE_TIMEOUT_S (no check-out, link or set). Any replica may
 * run it; the lock makes one at a time, and `endSession` only ends a session still active.
 */
export function startIdleSessionsJob(deps: WorkoutDeps): { stop(): void } {
  const { db, config, logger, outbox } = deps;
  const sweep = async () => {
    const ended = await db.withLock(JOB_LOCK, async (tx) => {
      const idle = await tx.query<{ id: string }>(
        `SELECT id FROM gym_sessions WHERE status = 'active'
           AND last_activity_at < now() - ($1::int * interval '1 second') LIMIT 500`,
        [config.SESSION_IDLE_TIMEOUT_S],
      );
      for (const s of idle) await endSession(tx, s.id, 'idle');
      return idle.length;
    });
    if (ended) {
      logger.info({ ended }, 'idle sessions ended');
      outbox.kick();
    }
  };
  const timer = setInterval(
    () => void sweep().catch((err) => logger.error({ err }, 'idle session sweep failed')),
    config.SESSION_SWEEP_INTERVAL_S * 1000,
  );
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
