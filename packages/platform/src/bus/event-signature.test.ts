import { headers as natsHeaders, type MsgHdrsImpl, type NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { bindBusIdentity, BusIdentity } from './bus-identity.ts';
import { signedEventHeaders, signEvent } from './event-signature.ts';

const identity = new BusIdentity(Buffer.alloc(32, 3), 'machine-hub');
// Only a key for the identity's WeakMap: signing never touches the connection.
const nc = bindBusIdentity({} as NatsConnection, identity);
const payload = new TextEncoder().encode('{"type":"telemetry"}');
const wire = (headers: unknown) => new TextDecoder().decode((headers as MsgHdrsImpl).encode());

describe('signed event headers', () => {
  it('are, on the wire, what nats.js builds with set(), message id last', () => {
    const expected = signEvent(identity, 'telemetry.b.m', payload, natsHeaders());
    expected.set('Nats-Msg-Id', 'm:f');
    const fast = signedEventHeaders(nc, 'telemetry.b.m', payload, 'm:f');
    expect(wire(fast)).toBe(wire(expected));
    expect(fast.get('Nxg-Caller')).toBe('machine-hub');
    expect(fast.get('Nats-Msg-Id')).toBe('m:f');
    expect(wire(signedEventHeaders(nc, 'telemetry.b.m', payload))).toBe(
      wire(signEvent(identity, 'telemetry.b.m', payload, natsHeaders())),
    );
  });

  it('refuse a message id that would break the header block', () => {
    expect(() => signedEventHeaders(nc, 's', payload, 'a\r\nNxg-Caller: identity')).toThrow();
    expect(() => signedEventHeaders(nc, 's', payload, '')).toThrow();
  });
});
