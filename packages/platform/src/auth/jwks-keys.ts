import { createPublicKey, type JsonWebKey } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { identity } from '@nxg/contracts';
import { callOperation } from '../bus/rpc.ts';

const systemContext = () => ({ requestId: 'gateway-jwks', roles: [], branchRoles: {} });
const REFETCH_INTERVAL_MS = 10_000;

/** How often the keys are fetched again anyway, so a key identity retired stops being trusted. */
export const JWKS_REFRESH_MS = 5 * 60_000;

/**
 * Identity's public keys by `kid`, as PEM, fetched over the signed bus (only identity's answer is
 * taken). An unknown `kid` (a rotated key) triggers one refetch, at most every ten seconds, so
 * forged kids cannot make the gateway hammer identity; `refresh` also runs every few minutes.
 */
export class JwksKeys {
  private keys = new Map<string, string>();
  private lastFetch = 0;
  /** Grows each time a key disappears: verifiers drop what they cached under the old set. */
  private retirements = 0;
  private inFlight: Promise<void> | undefined;
  private readonly nc: NatsConnection;

  constructor(nc: NatsConnection) {
    this.nc = nc;
  }

  get loaded(): boolean {
    return this.keys.size > 0;
  }

  get generation(): number {
    return this.retirements;
  }

  async refresh(): Promise<void> {
    this.inFlight ??= (async () => {
      try {
        const jwks = await callOperation(this.nc, identity.jwks, {}, systemContext(), { timeoutMs: 3000 });
        const next = new Map<string, string>();
        for (const jwk of jwks.keys) {
          next.set(
            jwk.kid,
            createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
              .export({ type: 'spki', format: 'pem' })
              .toString(),
          );
        }
        if ([...this.keys.keys()].some((kid) => !next.has(kid))) this.retirements += 1;
        this.keys = next;
        this.lastFetch = Date.now();
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  async get(kid: string | undefined): Promise<string | undefined> {
    if (!kid) return undefined;
    const known = this.keys.get(kid);
    if (known) return known;
    if (Date.now() - this.lastFetch > REFETCH_INTERVAL_MS) await this.refresh().catch(() => {});
    return this.keys.get(kid);
  }
}
