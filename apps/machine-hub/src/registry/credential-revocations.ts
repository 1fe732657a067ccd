import type { NatsConnection } from '@nats-io/transport-node';
import { machineSessionId } from '@nxg/contracts';
import { RevocationWriter } from '@nxg/platform';

/**
 * Revokes a machine's tokens of one secret generation in the revocation bucket that every gateway
 * and hub replica watches (`sid.machine-<id>-g<n>`), so they are refused everywhere at once.
 */
export class CredentialRevocations {
  private readonly writer: RevocationWriter;

  constructor(nc: NatsConnection) {
    this.writer = new RevocationWriter(nc);
  }

  async revokeGeneration(machineId: string, generation: number): Promise<void> {
    const at = Date.now();
    await this.writer.revoke(`sid.${machineSessionId(machineId, generation)}`, { at });
    // Tokens issued before generations were named carry `machine-<id>`: they belong to generation 1.
    if (generation === 1) await this.writer.revoke(`sid.machine-${machineId}`, { at });
  }
}

/** The secret generation a machine token was issued under, from its `sid`. */
export function generationOf(sessionId: string): number {
  const match = /-g(\d+)$/.exec(sessionId);
  return match ? Number(match[1]) : 1;
}
