import { Kvm } from '@nats-io/kv';
import type { NatsConnection } from '@nats-io/transport-node';
import { revocationBucket } from '@nxg/contracts';
import { busIdentityOf } from '../bus/bus-identity.ts';
import { namespaceOf } from '../bus/namespace.ts';
import { isSignedRevocation } from './revocation-signature.ts';
import type { Logger } from 'pino';

/**
 * A local copy of the revocation bucket, kept current by a KV watch (which resumes by itself after
 * a reconnect). Checking a token is then a map lookup, not a network round trip. Only entries
 * identity signed are taken, and none is ever lifted before it lapses.
 */
export class RevocationWatch {
  private readonly revoked = new Map<string, number>();
  private ready = false;
  private stopWatch: (() => void) | undefined;

  get isReady(): boolean {
    return this.ready;
  }

  isRevoked(tokenId: string, sessionId: string): boolean {
    return this.revoked.has(`jti.${tokenId}`) || this.revoked.has(`sid.${sessionId}`);
  }

  /** For the replica that handled a logout: effective here before the watch echoes it. */
  add(key: string): void {
    this.revoked.set(key, Date.now() + revocationBucket.ttlS * 1000);
  }

  async start(nc: NatsConnection, logger: Logger): Promise<void> {
    const identity = busIdentityOf(nc);
    if (!identity) throw new Error('the revocation watch needs a connection with a bus identity');
    const kv = await new Kvm(nc).open(namespaceOf(nc).bucket(revocationBucket.bucket));
    const status = await kv.status();
    if (status.values === 0) this.ready = true;
    const entries = await kv.watch({ key: '>' });
    this.stopWatch = () => entries.stop();
    void (async () => {
      for await (const entry of entries) {
        // Only identity's signed entries count. Deletes are ignored: nobody may lift a revocation
        // (entries lapse with the bucket's TTL, and the sweep below forgets them here as well).
        if (entry.operation === 'PUT') {
          if (isSignedRevocation(identity, entry.key, entry.string())) this.add(entry.key);
          else logger.warn({ key: entry.key }, 'revocation entry not signed by identity; ignored');
        }
        if (entry.delta === 0) this.ready = true;
      }
    })().catch((err: unknown) => logger.error({ err }, 'revocation watch ended'));
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [key, until] of this.revoked) if (until < now) this.revoked.delete(key);
    }, 60_000);
    sweep.unref();
    const stop = this.stopWatch;
    this.stopWatch = () => {
      clearInterval(sweep);
      stop();
    };
  }

  stop(): void {
    this.stopWatch?.();
  }
}
