/**
 * What the hub's telemetry handler costs in JavaScript alone, piece by piece (no sockets, no NATS
 * server): µs per call on this machine, to rank what a CPU profile shows. Run on a quiet machine.
 *
 *   node tools/bench/hub-frame-cost.ts
 */
import { randomUUID } from 'node:crypto';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { machineEvents, machineFrames } from '@nxg/contracts';
import {
  actingAs,
  BusIdentity,
  eventEnvelope,
  signedEventHeaders,
  signEvent,
  uuidv7,
  validatorFor,
} from '@nxg/platform';

const N = 200_000;
const identity = new BusIdentity(Buffer.alloc(32, 7), 'machine-hub');
const encoder = new TextEncoder();
// Only a key for the identity's WeakMap: signing never touches the connection.
const nc = actingAs({} as NatsConnection, identity);
const wire = (headers: unknown) => (headers as { encode(): Uint8Array }).encode();
const frame = {
  type: 'telemetry',
  id: randomUUID(),
  ts: new Date().toISOString(),
  linkId: randomUUID(),
  metrics: { speedKph: 10.5, heartRate: 142, distanceM: 1200, cadence: 80, powerW: 200, calories: 50 },
};
const raw = JSON.stringify(frame);
const data = {
  machineId: randomUUID(),
  branchId: randomUUID(),
  linkId: frame.linkId,
  userId: randomUUID(),
  frameId: frame.id,
  at: frame.ts,
  metrics: frame.metrics,
};
const envelope = eventEnvelope('machine-hub', {
  event: machineEvents.machineTelemetry,
  subject: data.machineId,
  data,
});
const payload = encoder.encode(JSON.stringify(envelope));
const check = validatorFor(machineFrames.telemetry);

let sink: unknown;
function time(name: string, fn: () => unknown): void {
  for (let i = 0; i < N / 10; i++) sink = fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) sink = fn();
  const us = Number(process.hrtime.bigint() - start) / 1000 / N;
  console.log(`${us.toFixed(2).padStart(7)} µs  ${name}`);
}

time('JSON.parse(frame)', () => JSON.parse(raw));
time('frame schema Check', () => check.Check(JSON.parse(raw)));
time('new Date().toISOString()', () => new Date().toISOString());
time('new Date(ts).toISOString()', () => new Date(frame.ts).toISOString());
time('uuidv7()', () => uuidv7());
time('eventEnvelope (schema check, id, time)', () =>
  eventEnvelope('machine-hub', { event: machineEvents.machineTelemetry, subject: data.machineId, data }),
);
time('JSON.stringify(envelope) + encode', () => encoder.encode(JSON.stringify(envelope)));
time('JSON.stringify(live message) + encode', () =>
  encoder.encode(JSON.stringify({ type: 'telemetry', at: frame.ts, data })),
);
time('identity.sign (HMAC-SHA256, base64url)', () => identity.sign('evt\ntelemetry.a.b\n', payload));
time('headers by nats.js set(): signature + Nats-Msg-Id, encoded', () => {
  const headers = signEvent(identity, 'telemetry.a.b', payload, natsHeaders());
  headers.set('Nats-Msg-Id', 'machine:frame');
  return wire(headers);
});
time('signedEventHeaders (straight into the map) + Nats-Msg-Id, encoded', () =>
  wire(signedEventHeaders(nc, 'telemetry.a.b', payload, 'machine:frame')),
);
time('ack frame JSON.stringify', () =>
  JSON.stringify({ type: 'ack', id: frame.id, ts: new Date().toISOString() }),
);
void sink;
