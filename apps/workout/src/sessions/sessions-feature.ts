import { identity, machineEvents, type Branch } from '@nxg/contracts';
import { callOperation, consume, defineFeature, type Job } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import { isClosed } from './opening-hours.ts';
import { sessionBindings } from './session-handlers.ts';
import { endSession, startSession, touchSession } from './session-store.ts';

const JOB_LOCK = 72_040_001;
const BRANCH_CACHE_MS = 5 * 60_000;
const systemContext = { requestId: 'workout-session-expiry', roles: [], branchRoles: {} };

/**
 * Gym sessions: check-in and check-out, a session started by a machine link when none runs, and
 * sessions that end by themselves (idle, or the branch closed).
 */
export const sessionsFeature = defineFeature<WorkoutDeps>({
  name: 'sessions',
  operations: sessionBindings,
  consumers: ({ db }) => [
    consume('workout_machine_linked', machineEvents.machineLinked, async ({ data }) => {
      await db.transaction(async (tx) => {
        const started = await startSession(tx, data.userId, data.branchId, 'machine-link', data.machineId);
        if (!started) await touchSession(tx, data.userId, data.machineId);
      });
    }),
  ],
  jobs: (deps) => [sessionExpiryJob(deps)],
});

/**
 * Ends sessions nobody touched for SESSION_IDLE_TIMEOUT_S (no check-out, link or set), and those at
 * a branch that has closed. Any replica may run it; the lock makes one at a time, and `endSession`
 * only ends a session still active.
 */
function sessionExpiryJob({ db, config, logger, nc }: WorkoutDeps): Job {
  const branches = new Map<string, { branch: Branch; fetchedAt: number }>();

  const branchOf = async (branchId: string): Promise<Branch | undefined> => {
    const cached = branches.get(branchId);
    if (cached && Date.now() - cached.fetchedAt < BRANCH_CACHE_MS) return cached.branch;
    try {
      const branch = await callOperation(nc, identity.getBranch, { branchId }, systemContext, {
        timeoutMs: 2000,
      });
      branches.set(branchId, { branch, fetchedAt: Date.now() });
      return branch;
    } catch {
      return cached?.branch; // identity unavailable: decide with what we knew, or not at all
    }
  };

  return {
    name: 'session-expiry',
    everyMs: config.SESSION_SWEEP_INTERVAL_S * 1000,
    async run() {
      const open = await db.query<{ branch_id: string }>(
        `SELECT DISTINCT branch_id FROM gym_sessions WHERE status = 'active'`,
      );
      const closed: string[] = [];
      for (const { branch_id } of open) {
        const branch = await branchOf(branch_id);
        if (branch && isClosed(branch.openingHours, branch.timezone)) closed.push(branch_id);
      }
      const ended = await db.withLock(JOB_LOCK, async (tx) => {
        const due = await tx.query<{ id: string; reason: string }>(
          `SELECT id, CASE WHEN branch_id = ANY($2::uuid[]) THEN 'branch_closed' ELSE 'idle' END AS reason
           FROM gym_sessions WHERE status = 'active'
             AND (last_activity_at < now() - ($1::int * interval '1 second') OR branch_id = ANY($2::uuid[]))
           LIMIT 500`,
          [config.SESSION_IDLE_TIMEOUT_S, closed],
        );
        for (const s of due) await endSession(tx, s.id, s.reason);
        return due.length;
      });
      if (ended) {
        logger.info({ ended }, 'sessions ended by themselves');
      }
    },
  };
}
