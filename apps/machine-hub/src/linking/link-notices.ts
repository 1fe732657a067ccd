import type { MachineStatus } from '@nxg/contracts';
import type { HubDeps } from '../deps.ts';
import type { EndedLink } from './link-store.ts';

/** After an unlink commits: the machine, the member and the branch's staff each learn of it. */
export function announceUnlink({ live }: Pick<HubDeps, 'live'>, ended: EndedLink): void {
  live.command(ended.machineId, { type: 'unlinked', linkId: ended.linkId, reason: ended.reason });
  live.toMember(ended.userId, 'unlinked', {
    linkId: ended.linkId,
    machineId: ended.machineId,
    reason: ended.reason,
  });
  live.toBranch(ended.branchId, 'machine.unlinked', {
    machineId: ended.machineId,
    linkId: ended.linkId,
    reason: ended.reason,
  });
  if (ended.status) live.machineStatus(ended.branchId, ended.machineId, ended.status);
}

export function announceStatusChange(
  { live }: Pick<HubDeps, 'live'>,
  branchId: string,
  machineId: string,
  status: MachineStatus | undefined,
): void {
  if (status) live.machineStatus(branchId, machineId, status);
}
