import { createHmac, createSecretKey, hkdfSync, timingSafeEqual, type KeyObject } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { adoptNamespace } from './namespace.ts';

/** Headers of a signed request, reply or event (payload bytes stay as they are: no re-serialising). */
export const CALLER_HEADER = 'Nxg-Caller';
export const ISSUED_AT_HEADER = 'Nxg-Issued-At';
export const SIGNATURE_HEADER = 'Nxg-Signature';

const SIGNATURE_BYTES = 32;

/**
 * A service's bus signing key: HKDF of the platform's SERVICE_KEY, one per service name. A
 * KeyObject, not bytes: createHmac turns a Buffer key into a key object on every call (about
 * 5 × the cost of the HMAC itself on Node 24).
 */
export function deriveServiceKey(serviceKey: Buffer, service: string): KeyObject {
  return createSecretKey(
    Buffer.from(hkdfSync('sha256', serviceKey, Buffer.alloc(0), `nxg-bus:${service}`, 32)),
  );
}

/**
 * Who a service is on the bus: it signs what it sends with its own derived key and checks what
 * others send with theirs. Only holders of SERVICE_KEY can derive any key, so a signature proves
 * both that the sender is part of the platform and which service it is.
 */
export class BusIdentity {
  readonly service: string;
  private readonly root: Buffer;
  private readonly ownKey: KeyObject;
  /** Keys of services that signed something valid: derived once, not per message. */
  private readonly known = new Map<string, KeyObject>();

  constructor(serviceKey: Buffer, service: string) {
    this.service = service;
    this.root = serviceKey;
    this.ownKey = deriveServiceKey(serviceKey, service);
    this.known.set(service, this.ownKey);
  }

  /** Base64url HMAC-SHA256 of `label` and the payload bytes, with this service's key. */
  sign(label: string, payload: Uint8Array): string {
    return mac(this.ownKey, label, payload).toString('base64url');
  }

  /** Whether `signature` is `service`'s over `label` and the payload (constant-time compare). */
  verify(service: string, label: string, payload: Uint8Array, signature: string): boolean {
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== SIGNATURE_BYTES) return false;
    const cached = this.known.get(service);
    const key = cached ?? deriveServiceKey(this.root, service);
    const valid = timingSafeEqual(mac(key, label, payload), given);
    // Only names proven by a valid signature are kept, so forged names cannot grow the map.
    if (valid && !cached) this.known.set(service, key);
    return valid;
  }
}

const mac = (key: KeyObject, label: string, payload: Uint8Array): Buffer =>
  createHmac('sha256', key).update(label).update(payload).digest();

const identities = new WeakMap<NatsConnection, BusIdentity>();

/** The identity a connection signs with; undefined for a connection without the platform's key. */
export const busIdentityOf = (nc: NatsConnection): BusIdentity | undefined => identities.get(nc);

/** Makes a connection this service owns sign as `identity` (the kit does it for every service). */
export function bindBusIdentity(nc: NatsConnection, identity: BusIdentity): NatsConnection {
  identities.set(nc, identity);
  return nc;
}

/**
 * A view of a shared connection that signs as `identity` (tests and tools acting as a service),
 * in the same namespace; the connection itself is left as it was.
 */
export function actingAs(nc: NatsConnection, identity: BusIdentity): NatsConnection {
  const view = new Proxy(nc, {
    get(target, property) {
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  adoptNamespace(view, nc);
  return bindBusIdentity(view, identity);
}
