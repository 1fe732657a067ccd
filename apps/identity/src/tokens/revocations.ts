import { Kvm, type KV } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { revocationBucket } from '@nxg/contracts';
import { namespaceOf, signedRevocation } from '@nxg/platform';

/**
 * Writes revocations to the KV bucket every gateway watches: `jti.<tokenId>` for one access
 * token, `sid.<sessionId>` for every access token of a session, `usr.<userId>` {notBefore} for an
 * account's tokens signed before a role change; each signed by identity (the watchers take nothing
 * else). Entries expire with the bucket's TTL, which outlives any access token.
 */
export class RevocationList {
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

  async revokeToken(tokenId: string, expiresAt: number): Promise<void> {
    const key = `jti.${tokenId}`;
    await (await this.bucket()).put(key, signedRevocation(this.nc, key, { expiresAt }));
  }

  /** Every access token of the account signed before `atMs` (its roles changed): `usr.<userId>`. */
  async revokeUserTokensBefore(userId: string, atMs: number): Promise<void> {
    const key = `usr.${userId}`;
    await (await this.bucket()).put(key, signedRevocation(this.nc, key, { notBefore: atMs }));
  }

  async revokeSessions(sessionIds: string[]): Promise<void> {
    const kv = await this.bucket();
    await Promise.all(
      sessionIds.map((id) => kv.put(`sid.${id}`, signedRevocation(this.nc, `sid.${id}`, { at: Date.now() }))),
    );
  }
}
