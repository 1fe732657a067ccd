import type { ActiveLink, BranchLiveData, Machine, MachineStatus } from '../api/types.ts';
import type { LiveMessage } from '../live/live-socket.ts';

export type Figures = BranchLiveData['machine.telemetry']['metrics'] & { at: string };

/** A machine as the board shows it: the API's view, who is on it, and their latest figures. */
export interface BoardMachine extends Machine {
  link: Pick<ActiveLink, 'linkId' | 'displayName' | 'since'> | undefined;
  figures: Figures | undefined;
}

export const statuses: MachineStatus[] = ['available', 'occupied', 'offline', 'maintenance'];

/** The board from a fresh load of the machines and their active links. */
export function boardFrom(machines: Machine[], links: ActiveLink[]): Map<string, BoardMachine> {
  const byMachine = new Map(links.map((l) => [l.machineId, l]));
  return new Map(
    machines.map((m) => {
      const link = byMachine.get(m.id);
      return [
        m.id,
        {
          ...m,
          link: link && { linkId: link.linkId, displayName: link.displayName, since: link.since },
          figures: undefined,
        },
      ];
    }),
  );
}

/**
 * One live message applied to the board. Returns the same map when nothing changed, and `unknown`
 * when the message names a machine the board has not loaded (added since: reload).
 */
export function applyLive(
  board: Map<string, BoardMachine>,
  message: LiveMessage,
): Map<string, BoardMachine> | 'unknown' {
  const machineId = String(message.data.machineId ?? '');
  const machine = board.get(machineId);
  if (!machine) return message.type.startsWith('machine.') ? 'unknown' : board;
  const next = (changes: Partial<BoardMachine>) => new Map(board).set(machineId, { ...machine, ...changes });
  switch (message.type) {
    case 'machine.status': {
      const { status } = message.data as BranchLiveData['machine.status'];
      return next(status === 'occupied' ? { status } : { status, figures: undefined });
    }
    case 'machine.linked': {
      const d = message.data as BranchLiveData['machine.linked'];
      return next({
        link: { linkId: d.linkId, displayName: d.displayName, since: d.since },
        figures: undefined,
      });
    }
    case 'machine.unlinked': {
      const d = message.data as BranchLiveData['machine.unlinked'];
      return machine.link?.linkId === d.linkId ? next({ link: undefined, figures: undefined }) : board;
    }
    case 'machine.telemetry': {
      const d = message.data as BranchLiveData['machine.telemetry'];
      if (machine.link && machine.link.linkId !== d.linkId) return board;
      return next({ figures: { ...d.metrics, at: d.at }, lastSeenAt: message.at });
    }
    case 'machine.heartbeat': {
      const d = message.data as BranchLiveData['machine.heartbeat'];
      return next({ lastSeenAt: d.at });
    }
    default:
      return board;
  }
}

export function countByStatus(machines: Iterable<BoardMachine>): Record<MachineStatus, number> {
  const counts = { available: 0, occupied: 0, offline: 0, maintenance: 0 };
  for (const m of machines) counts[m.status] += 1;
  return counts;
}
