import {
  headers as natsHeaders,
  MsgHdrsImpl,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
} from '@nats-io/transport-node';
import type { JsMsg } from '@nats-io/jetstream';
import { busIdentityOf, CALLER_HEADER, SIGNATURE_HEADER, type BusIdentity } from './bus-identity.ts';
import { namespaceOf } from './namespace.ts';

// Core NATS messages (live pushes, commands between replicas) are signed the same way as events.

/** An event signature covers its NATS subject (outside any namespace) and its exact payload bytes. */
const eventLabel = (subject: string) => `evt\n${subject}\n`;

/** Signs an event's payload as `identity` (its source) into the headers given, or new ones. */
export function signEvent(
  identity: BusIdentity,
  subject: string,
  payload: Uint8Array,
  headers: MsgHdrs = natsHeaders(),
): MsgHdrs {
  headers.set(CALLER_HEADER, identity.service);
  headers.set(SIGNATURE_HEADER, identity.sign(eventLabel(subject), payload));
  return headers;
}

/**
 * `signEvent` as the connection's service (what publishes events outside the outbox uses), with
 * JetStream's duplicate key `Nats-Msg-Id` when given. New headers are written straight into
 * nats.js's header map: its `set` checks and canonicalises every name and value, with several
 * allocations each, which cost as much as the signature itself on the hub's path (three signed
 * messages per telemetry frame). The names here are constants and the values a service name, a
 * base64url signature and a message id, checked below.
 */
export function signedEventHeaders(
  nc: NatsConnection,
  subject: string,
  payload: Uint8Array,
  msgId?: string,
): MsgHdrs {
  const identity = busIdentityOf(nc);
  if (!identity) throw new Error('signing an event needs a connection with a bus identity');
  const headers = new MsgHdrsImpl();
  headers.headers.set(CALLER_HEADER, [identity.service]);
  headers.headers.set(SIGNATURE_HEADER, [identity.sign(eventLabel(subject), payload)]);
  if (msgId !== undefined) {
    if (msgId === '' || LINE_BREAK.test(msgId)) throw new Error('a message id is one non-empty line');
    headers.headers.set(MSG_ID_HEADER, [msgId]);
  }
  return headers;
}
const MSG_ID_HEADER = 'Nats-Msg-Id';
const LINE_BREAK = /[\r\n]/;

/**
 * The service that signed a delivered event, or undefined when the signature is missing or not
 * valid. The consumer compares it with the envelope's `source`.
 */
export function eventSigner(nc: NatsConnection, identity: BusIdentity, msg: JsMsg | Msg): string | undefined {
  const caller = msg.headers?.get(CALLER_HEADER);
  const signature = msg.headers?.get(SIGNATURE_HEADER);
  if (!caller || !signature) return undefined;
  const { prefix } = namespaceOf(nc);
  const subject =
    prefix && msg.subject.startsWith(`${prefix}.`) ? msg.subject.slice(prefix.length + 1) : msg.subject;
  return identity.verify(caller, eventLabel(subject), msg.data, signature) ? caller : undefined;
}

/** The platform service that signed a core NATS message to this connection, or undefined. */
export function messageSender(nc: NatsConnection, msg: Msg): string | undefined {
  const identity = busIdentityOf(nc);
  return identity ? eventSigner(nc, identity, msg) : undefined;
}

/** Publishes a core NATS message signed as the connection's service. */
export function publishSigned(nc: NatsConnection, subject: string, text: string): void {
  const payload = encoder.encode(text);
  nc.publish(subject, payload, { headers: signedEventHeaders(nc, subject, payload) });
}
const encoder = new TextEncoder();
