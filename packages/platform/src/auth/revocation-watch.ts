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
  /** `usr.<userId>` → epoch ms: the account's tokens issued before then are revoked (role changes). */
  private readonly notBefore = new Map<string, number>();
  private ready = false;
  private taken = 0;
  private stopWatch: (() => void) | undefined;

  get isReady(): boolean {
    return this.ready;
  }

  /**
   * Grows with every revocation taken, so a holder of many long-lived sessions (the hub's sockets)
   * re-checks them only when something was revoked since it last did.
   */
  get version(): number {
    return this.taken;
  }

  /** `issuedAtMs`: when the token was signed, checked against the account's "not before". */
  isRevoked(tokenId: string, sessionId: string, userId?: string, issuedAtMs?: number): boolean {
    if (this.revoked.has(`jti.${tokenId}`) || this.revoked.has(`sid.${sessionId}`)) return true;
    const notBefore = userId === undefined ? undefined : this.notBefore.get(`usr.${userId}`);
    return notBefore !== undefined && (issuedAtMs === undefined || issuedAtMs < notBefore);
  }

  /**
   * For the replica that handled a logout: effective here before the watch echoes it. A `usr.`
   * key carries its "not before" (epoch ms) as `{ notBefore }`.
   */
  add(key: string, value?: { notBefore?: number }): void {
    this.taken += 1;
    this.revoked.set(key, Date.now() + revocationBucket.ttlS * 1000);
    if (key.startsWith('usr.') && typeof value?.notBefore === 'number') {
      this.notBefore.set(key, Math.max(value.notBefore, this.notBefore.get(key) ?? 0));
    }
  }

  private forget(key: string): void {
    this.revoked.delete(key);
    this.notBefore.delete(key);
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
        // Only entries signed by their revoker count. Deletes are ignored: nobody may lift a
        // revocation (entries lapse with the bucket's TTL, and the sweep below forgets them here too).
        if (entry.operation === 'PUT') {
          const value = entry.string();
          if (isSignedRevocation(identity, entry.key, value)) this.add(entry.key, parseValue(value));
          else logger.warn({ key: entry.key }, 'revocation entry not signed by its revoker; ignored');
        }
        if (entry.delta === 0) this.ready = true;
      }
    })().catch((err: unknown) => logger.error({ err }, 'revocation watch ended'));
    const sweep = setInterval(() => {
      const now = Date.now();
      for (const [key, until] of this.revoked) if (until < now) this.forget(key);
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

function parseValue(text: string): { notBefore?: number } | undefined {
  try {
    return JSON.parse(text) as { notBefore?: number };
  } catch {
    return undefined;
  }
}
