import type { NatsConnection } from '@nats-io/transport-node';
import {
  type BranchLiveData,
  hubMachineSubject,
  liveSubjects,
  type LiveMessageType,
  type MachineStatus,
  type PlannedExercise,
} from '@nxg/contracts';
import { publishSigned, sendThisTurn, signedEventHeaders } from '@nxg/platform';

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
 * Live pushes leave with the other writes of the event-loop turn (`sendThisTurn`): thousands of
 * frames a second would otherwise mean a socket write, and a wake-up of nats-server, each.
 */
export class LivePublisher {
  private readonly nc: NatsConnection;

  constructor(nc: NatsConnection) {
    this.nc = nc;
  }

  toMember(userId: string, type: LiveMessageType, data: unknown): void {
    const text = JSON.stringify({ type, at: new Date().toISOString(), data });
    this.pushThisTurn(liveSubjects.user(userId), text);
  }

  machineStatus(branchId: string, machineId: string, status: MachineStatus): void {
    this.toBranch(branchId, 'machine.status', { machineId, branchId, status });
  }

  /** To the branch's staff watching its board (core NATS: nobody listening costs one publish). */
  toBranch<T extends keyof BranchLiveData>(branchId: string, type: T, data: BranchLiveData[T]): void {
    const text = JSON.stringify({ type, at: new Date().toISOString(), data });
    this.pushThisTurn(liveSubjects.branch(branchId), text);
  }

  /**
   * A live push is fire-and-forget, as core NATS is: one that cannot leave (the connection closed
   * while the hub shuts down) is dropped, never thrown from the turn's sends.
   */
  private pushThisTurn(subject: string, text: string): void {
    sendThisTurn(() => {
      try {
        publishSigned(this.nc, subject, text);
      } catch {
        // dropped: see above
      }
    });
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
