import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { revocationBucket } from '@nxg/contracts';
import { namespaceOf } from '../bus/namespace.ts';
import { signedRevocation } from './revocation-signature.ts';

/**
 * Puts revocations in the KV bucket every verifier watches (`RevocationWatch`), each signed as
 * the connection's service: the watchers take an entry only from its revoker (see
 * `revocation-signature.ts`). Entries expire with the bucket's TTL, which outlives any token.
 */
export class RevocationWriter {
  private kv: Promise<KV> | undefined;
  private readonly nc: NatsConnection;

  constructor(nc: NatsConnection) {
    this.nc = nc;
  }

  async revoke(key: string, details: Record<string, unknown>): Promise<void> {
    await (await this.bucket()).put(key, signedRevocation(this.nc, key, details));
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
}
