import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { machineSessionId, revocationBucket } from '@nxg/contracts';
import { namespaceOf, signedRevocation } from '@nxg/platform';

/**
 * Revokes a machine's tokens of one secret generation in the revocation bucket that every gateway
 * and hub replica watches (`sid.machine-<id>-g<n>`), so they are refused everywhere at once.
 */
export class CredentialRevocations {
  private kv: Promise<KV> | undefined;
  private readonly nc: NatsConnection;

  constructor(nc: NatsConnection) {
    this.nc = nc;
  }

  private bucket(): Promise<KV> {
    this.kv ??= new Kvm(this.nc)
      .open(namespaceOf(this.nc).bucket(revocationBucket.bucket))
      .catch((error: unknown) => {
        this.kv = undefined;
        throw error;
      });
    return this.kv;
  }

  async revokeGeneration(machineId: string, generation: number): Promise<void> {
    const kv = await this.bucket();
    const revoke = (key: string) => kv.put(key, signedRevocation(this.nc, key, { at: Date.now() }));
    await revoke(`sid.${machineSessionId(machineId, generation)}`);
    // Tokens issued before generations were named carry `machine-<id>`: they belong to generation 1.
    if (generation === 1) await revoke(`sid.machine-${machineId}`);
  }
}

/** The secret generation a machine token was issued under, from its `sid`. */
export function generationOf(sessionId: string): number {
  const match = /-g(\d+)$/.exec(sessionId);
  return match ? Number(match[1]) : 1;
}
