import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { SimMachine, type SimMachineOptions } from './sim-machine.ts';

interface Frame {
  type: string;
  id: string;
  [key: string]: unknown;
}

/**
 * A stand-in hub on a local port: it greets machines as the real one does (welcome, linked if a
 * link is set, then the hello's ack) and lets each test decide what else to acknowledge.
 */
class FakeHub {
  readonly server: WebSocketServer;
  readonly connections: { socket: WebSocket; frames: Frame[]; authorization: string | undefined }[] = [];
  link: string | undefined;
  /** Whether to acknowledge outbox frames (telemetry, status, …) as they come. */
  ackFrames = true;
  /** Close code for the next connection (e.g. 4401), instead of greeting it. */
  refuseNext: number | undefined;

  constructor() {
    this.server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    this.server.on('connection', (socket, request) => {
      const connection = { socket, frames: [] as Frame[], authorization: request.headers.authorization };
      this.connections.push(connection);
      if (this.refuseNext) {
        socket.close(this.refuseNext, 'refused');
        this.refuseNext = undefined;
        return;
      }
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data)) as Frame;
        connection.frames.push(frame);
        const send = (body: Record<string, unknown>) =>
          socket.send(JSON.stringify({ id: randomUUID(), ts: new Date().toISOString(), ...body }));
        if (frame.type === 'hello') {
          send({
            type: 'welcome',
            machineId: 'm-1',
            heartbeatIntervalS: 60,
            serverTime: new Date().toISOString(),
          });
          if (this.link) send({ type: 'linked', linkId: this.link, member: { displayName: 'Ada' } });
          send({ type: 'ack', id: frame.id });
        } else if (frame.type === 'qr.request') {
          send({ type: 'ack', id: frame.id });
          send({
            type: 'qr',
            token: `qr-${randomUUID()}`,
            expiresAt: new Date(Date.now() + 60_000).toISOString(),
          });
        } else if (frame.type === 'heartbeat' || this.ackFrames) {
          send({ type: 'ack', id: frame.id });
        }
      });
    });
  }

  static async start(): Promise<FakeHub> {
    const hub = new FakeHub();
    await new Promise((resolve) => hub.server.once('listening', resolve));
    return hub;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get last() {
    return this.connections.at(-1)!;
  }

  /** Every outbox frame (not hello, heartbeat or qr.request) the hub got over all connections. */
  outboxFrames(): Frame[] {
    return this.connections
      .flatMap((c) => c.frames)
      .filter((f) => !['hello', 'heartbeat', 'qr.request'].includes(f.type));
  }

  close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

async function until(what: string, condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let hub: FakeHub;
let machine: SimMachine | undefined;
let tokens = 0;

function startMachine(options: Partial<SimMachineOptions> = {}): SimMachine {
  machine = new SimMachine({
    credentials: { machineId: 'm-1', secret: 's'.repeat(32), kind: 'treadmill' },
    gatewayUrl: 'http://127.0.0.1:1',
    hubUrl: hub.url,
    fetchToken: async () => ({ accessToken: `token-${++tokens}`, expiresAt: Date.now() + 900_000 }),
    maxFrameRate: 10_000,
    ...options,
  });
  machine.start();
  return machine;
}

afterEach(async () => {
  await machine?.stop();
  machine = undefined;
  await hub?.close();
  tokens = 0;
});

describe('a simulated machine', () => {
  it('greets the hub, reports itself available, and shows a QR code while not linked', async () => {
    hub = await FakeHub.start();
    const m = startMachine();
    await until('a QR code and the status acknowledged', () => m.qr !== undefined && m.stats.acked === 1);
    expect(hub.last.authorization).toBe('Bearer token-1');
    expect(hub.last.frames.map((f) => f.type)).toEqual(['hello', 'qr.request', 'status']);
    expect(hub.last.frames[2]).toMatchObject({ status: 'available' });
    expect(m.connected).toBe(true);
    expect(m.outbox.size).toBe(0);
  });

  it('never has more than 256 frames unacknowledged, and replays them in order with their ids after a drop', async () => {
    hub = await FakeHub.start();
    hub.link = randomUUID();
    hub.ackFrames = false;
    const m = startMachine({ telemetryHz: 250, setEveryS: 0 });
    await until('300 frames made', () => m.stats.telemetry >= 300);
    const sentBefore = hub.outboxFrames();
    expect(sentBefore).toHaveLength(256);
    expect(m.outbox.inFlight).toBe(256);
    expect(m.outbox.size).toBeGreaterThan(300);

    // The connection drops with all of them unacknowledged; the hub acknowledges from now on.
    hub.ackFrames = true;
    hub.last.socket.terminate();
    await until('the reconnect', () => hub.connections.length === 2 && m.connected);
    const stopping = m.stop({ drainMs: 5000 }); // no new telemetry; what is queued drains
    await until('everything acknowledged', () => m.outbox.size === 0);
    await stopping;
    const replayed = hub.connections[1]!.frames.filter((f) => f.type !== 'hello' && f.type !== 'qr.request');
    expect(replayed.slice(0, 256).map((f) => f.id)).toEqual(sentBefore.map((f) => f.id));
    expect(replayed.slice(0, 256)).toEqual(sentBefore);
    // Then the rest, in the order they were made, each once.
    const ids = replayed.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    const times = replayed.filter((f) => f.type === 'telemetry').map((f) => Date.parse(String(f.ts)));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(m.stats.replayed).toBe(256);
  });

  it('keeps streaming across a drop when the hub still has its link', async () => {
    hub = await FakeHub.start();
    hub.link = randomUUID();
    const m = startMachine({ telemetryHz: 50 });
    await until('linked', () => m.linked);
    expect(m.drop(100)).toBe(true);
    await until('the reconnect', () => hub.connections.length === 2 && m.connected);
    await until('telemetry on the new connection', () => hub.last.frames.some((f) => f.type === 'telemetry'));
    expect(m.link?.linkId).toBe(hub.link);
    expect(m.stats.simulatedDrops).toBe(1);
    expect(m.stats.errorCount).toBe(0);
  });

  it('drops the frames of a link that ended while it was offline, and shows a QR code again', async () => {
    hub = await FakeHub.start();
    hub.link = randomUUID();
    hub.ackFrames = false;
    const m = startMachine({ telemetryHz: 100 });
    await until('some telemetry', () => m.outbox.size > 20);
    hub.link = undefined; // the member unlinked meanwhile
    hub.ackFrames = true;
    m.drop(50);
    await until('a QR code and an empty outbox', () => m.qr !== undefined && m.outbox.size === 0);
    expect(m.linked).toBe(false);
    expect(hub.last.frames.filter((f) => f.type === 'telemetry')).toEqual([]);
    expect(m.stats.discarded).toBeGreaterThan(20);
  });

  it('fetches a new token when the hub refuses the old one (4401)', async () => {
    hub = await FakeHub.start();
    hub.refuseNext = 4401;
    const m = startMachine();
    await until('connected', () => m.connected, 8000);
    expect(hub.connections.map((c) => c.authorization)).toEqual(['Bearer token-1', 'Bearer token-2']);
  });

  it('stops for good when the hub says the machine was removed (4410)', async () => {
    hub = await FakeHub.start();
    hub.refuseNext = 4410;
    const problems: string[] = [];
    const m = startMachine({ hooks: { onProblem: (message) => problems.push(message) } });
    await until('stopped', () => m.stopped);
    expect(problems.at(-1)).toMatch(/for good \(4410/);
    expect(hub.connections).toHaveLength(1);
  });
});
