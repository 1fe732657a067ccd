import type { NatsConnection } from '@nats-io/transport-node';
import {
  type BranchLiveData,
  hubMachineSubject,
  liveSubjects,
  type LiveMessageType,
  type MachineStatus,
  type PlannedExercise,
} from '@nxg/contracts';
import { publishSigned, signedEventHeaders } from '@nxg/platform';

export type HubCommand =
  | { type: 'linked'; linkId: string; userId: string; displayName: string; plan?: PlannedExercise[] }
  | { type: 'unlinked'; linkId: string; reason: string }
  | { type: 'replaced'; by: string }
  /** The machine's secret was rotated: close its socket (its token is of the old secret). */
  | { type: 'revoked' }
  /** The machine was decommissioned: close its socket for good. */
  | { type: 'removed' }
  /** Persist the active link's workout totals now (a link about to be ended on another replica). */
  | { type: 'checkpoint' };

/**
 * Core NATS messages that need no history: live-feed pushes to members and staff, and commands for
 * whichever hub replica holds a machine's socket. Signed, so their receivers ignore forgeries.
 */
export class LivePublisher {
  private readonly nc: NatsConnection;

  constructor(nc: NatsConnection) {
    this.nc = nc;
  }

  toMember(userId: string, type: LiveMessageType, data: unknown): void {
    publishSigned(
      this.nc,
      liveSubjects.user(userId),
      JSON.stringify({ type, at: new Date().toISOString(), data }),
    );
  }

  machineStatus(branchId: string, machineId: string, status: MachineStatus): void {
    this.toBranch(branchId, 'machine.status', { machineId, branchId, status });
  }

  /** To the branch's staff watching its board (core NATS: nobody listening costs one publish). */
  toBranch<T extends keyof BranchLiveData>(branchId: string, type: T, data: BranchLiveData[T]): void {
    publishSigned(
      this.nc,
      liveSubjects.branch(branchId),
      JSON.stringify({ type, at: new Date().toISOString(), data }),
    );
  }

  command(machineId: string, command: HubCommand): void {
    publishSigned(this.nc, hubMachineSubject(machineId), JSON.stringify(command));
  }

  /**
   * Asks the replica holding the machine's socket to persist its link's workout totals, so a link
   * ended here carries its latest figures. Waits at most `timeoutMs`: with no socket, or no answer
   * in time, the totals last persisted go out (at most a checkpoint interval behind).
   */
  async checkpoint(machineId: string, timeoutMs = 500): Promise<void> {
    const subject = hubMachineSubject(machineId);
    const payload = new TextEncoder().encode(JSON.stringify({ type: 'checkpoint' } satisfies HubCommand));
    await this.nc
      .request(subject, payload, {
        timeout: timeoutMs,
        headers: signedEventHeaders(this.nc, subject, payload),
      })
      .catch(() => undefined);
  }
}
