import type { NatsConnection } from '@nats-io/transport-node';
import { busIdentityOf, type BusIdentity } from '../bus/bus-identity.ts';

/**
 * Who may write each revocation: machine-hub for machine credentials (`sid.machine-…`, it owns their
 * secrets), identity for everything else. The watchers take no entry another hand put in the bucket.
 */
const revokerOf = (key: string) => (key.startsWith('sid.machine-') ? 'machine-hub' : 'identity');
const label = (key: string) => `rev\n${key}\n`;
const empty = new Uint8Array(0);

/** The value stored under a revocation key: its details and the revoker's signature of the key. */
export function signedRevocation(nc: NatsConnection, key: string, details: Record<string, unknown>): string {
  const identity = busIdentityOf(nc);
  if (!identity) throw new Error('writing a revocation needs a connection with a bus identity');
  return JSON.stringify({ ...details, sig: identity.sign(label(key), empty) });
}

/** Whether a revocation entry's value carries its revoker's signature of its key. */
export function isSignedRevocation(identity: BusIdentity, key: string, value: string): boolean {
  let sig: unknown;
  try {
    sig = (JSON.parse(value) as { sig?: unknown } | null)?.sig;
  } catch {
    return false;
  }
  return typeof sig === 'string' && identity.verify(revokerOf(key), label(key), empty, sig);
}
