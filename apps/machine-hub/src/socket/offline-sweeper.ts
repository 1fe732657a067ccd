import type { MachineStatus } from '@nxg/contracts';
import type { Job } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { announceStatusChange, announceUnlink } from '../linking/link-notices.ts';
import { endLink, type EndedLink } from '../linking/link-store.ts';
import { announceStatus } from '../registry/machine-store.ts';

const SWEEP_LOCK = 72_030_001;

/**
 * Missed heartbeats: a machine silent for two intervals (its socket gone, or its hub replica dead)
 * is announced offline and its link ended. Any replica may run this; the lock makes one at a time.
 */
export function offlineSweeper(deps: HubDeps): Job {
  const { db, staleAfterMs } = deps;
  const sweep = async () => {
    const results = await db.withLock(SWEEP_LOCK, async (tx) => {
      // Silent for longer than the heartbeat window: linked (the link ends), or still shown as
      // online (its hub replica died with the socket).
      const stale = await tx.query<{ id: string; branch_id: string; has_link: boolean }>(
        `SELECT m.id, m.branch_id, l.id IS NOT NULL AS has_link
         FROM machines m LEFT JOIN links l ON l.machine_id = m.id AND l.ended_at IS NULL
         WHERE (m.last_seen_at IS NULL OR m.last_seen_at < now() - ($1::int * interval '1 millisecond'))
           AND (l.id IS NOT NULL OR m.announced_status IN ('available', 'occupied'))
         LIMIT 500`,
        [staleAfterMs],
      );
      const out: { ended?: EndedLink; branchId: string; machineId: string; status?: MachineStatus }[] = [];
      for (const machine of stale) {
        const ended = machine.has_link
          ? await endLink(tx, { machineId: machine.id }, 'heartbeat_lost', staleAfterMs)
          : undefined;
        const status = ended ? ended.status : await announceStatus(tx, machine.id, staleAfterMs);
        out.push({ ended, branchId: machine.branch_id, machineId: machine.id, status });
      }
      return out;
    });
    for (const r of results) {
      if (r.ended) announceUnlink(deps, r.ended);
      else announceStatusChange(deps, r.branchId, r.machineId, r.status);
    }
  };
  return { name: 'offline-sweeper', everyMs: Math.max(500, Math.floor(staleAfterMs / 4)), run: sweep };
}
