import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiClient,
  readEvents,
  registerMember,
  startPlatform,
  type TestPlatform,
  adminEnv,
  platformAdmin,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkByQr } from './demo-member.ts';
import { LiveFeed, type LiveFeedMessage } from './live-feed.ts';
import { provisionMachines } from './provision.ts';
import type { OutboxedFrame } from './sim-machine.ts';
import { Simulation } from './simulation.ts';

const admin = platformAdmin;
let platform: TestPlatform;
let dataDir: string;
let sim: Simulation | undefined;
let feed: LiveFeed | undefined;
const startedAt = new Date();

beforeAll(async () => {
  platform = await startPlatform({
    replicas: { 'machine-hub': 1 },
    env: { identity: adminEnv },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'nxg-sim-'));
});
afterAll(async () => {
  await sim?.stop();
  feed?.close();
  await platform?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Polls `condition` every 50 ms until it holds, or fails after `timeoutMs` saying what it waited for. */
async function until(what: string, condition: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the machine simulator against a real platform', () => {
  it('provisions, links a machine by its QR code, streams telemetry live, and rides out a drop without duplicate sets', async () => {
    const gatewayUrl = platform.gatewayUrl;
    const file = join(dataDir, 'sim-machines.json');
    const { branchId, machines } = await provisionMachines({
      gatewayUrl,
      count: 3,
      file,
      admin: () => admin,
    });
    expect(machines).toHaveLength(3);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The next run reuses them, without the admin.
    const reused = await provisionMachines({
      gatewayUrl,
      count: 3,
      file,
      admin: () => {
        throw new Error('the admin is not needed to reuse machines');
      },
    });
    expect(reused).toEqual({ branchId, machines });

    const member = await registerMember(apiClient(gatewayUrl), { name: 'Grace Hopper' });
    const live: { message: LiveFeedMessage; receivedAt: number }[] = [];
    feed = new LiveFeed(gatewayUrl, member.accessToken, (message, receivedAt) =>
      live.push({ message, receivedAt }),
    );
    await feed.ready;

    const target = machines[0]!;
    const setsAcked = new Set<string>();
    const setsSent: string[] = [];
    let linking: Promise<unknown> | undefined;
    let dropAt: number | undefined;
    sim = new Simulation(machines, {
      gatewayUrl,
      hubUrl: platform.hubUrls[0]!,
      telemetryHz: 5,
      setEveryS: 1,
      staggerMs: 0,
      hooks: {
        onQr(qr, machine) {
          if (machine.machineId === target.machineId && !linking)
            linking = linkByQr(gatewayUrl, member.accessToken, qr.token);
        },
        onSent(frame: OutboxedFrame, replay, machine) {
          if (frame.type !== 'set.completed') return;
          if (!replay) setsSent.push(frame.id);
          // Drop the network with this set on the wire, its ack not yet back.
          if (dropAt === undefined && setsSent.length === 2) {
            dropAt = Date.now();
            expect(machine.drop(500)).toBe(true);
          }
        },
        onAck(frame) {
          if (frame.type === 'set.completed') setsAcked.add(frame.id);
        },
      },
    });
    sim.start();

    // Every machine connects and shows a QR code; the member scans the first machine's.
    await until('every machine to connect', () => sim!.machines.every((m) => m.connected));
    await until('a QR code on every machine', () =>
      sim!.machines.every((m) => m.qr !== undefined || m.linked),
    );
    expect(await linking).toMatchObject({ machine: { id: target.machineId, status: 'occupied' } });
    const machine = sim.machine(target.machineId)!;
    await until('the machine to learn of its link', () => machine.linked);
    const linkId = machine.link!.linkId;
    await until('the linked message on the live feed', () => live.some((l) => l.message.type === 'linked'));

    // Telemetry reaches the member's phone.
    const telemetry = () => live.filter((l) => l.message.type === 'telemetry');
    await until('telemetry on the live feed', () => telemetry().length >= 3);
    expect(telemetry()[0]!.message.data).toMatchObject({
      linkId,
      machineId: target.machineId,
      userId: member.user.id,
    });

    // The drop happens with the second set on the wire; the machine reconnects and replays it.
    await until('the simulated drop', () => dropAt !== undefined, 10_000);
    await until('the reconnect', () => sim!.stats.reconnects >= 1 && machine.connected);
    expect(sim.stats.simulatedDrops).toBe(1);
    expect(sim.stats.replayed).toBeGreaterThanOrEqual(1);
    // Still linked, still streaming: telemetry made after the reconnect reaches the member.
    const reconnectedAt = Date.now();
    await until('telemetry made after the reconnect', () =>
      telemetry().some((l) => Date.parse(String(l.message.data.at)) > reconnectedAt + 200),
    );
    expect(machine.link?.linkId).toBe(linkId);
    await until('a few more sets', () => setsAcked.size >= 4, 10_000);

    // Stop with every frame acknowledged.
    await sim.stop(5000);
    expect(machine.outbox.size).toBe(0);
    expect(sim.stats.errorCount).toBe(0);
    expect(sim.stats.rejected).toBe(0);
    expect([...setsAcked].sort()).toEqual([...setsSent].sort());

    // Each set exactly once on JetStream, the replayed one included.
    const events = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${branchId}.${target.machineId}.set_completed`,
      since: startedAt,
      expect: setsAcked.size,
      quietMs: 2000,
    });
    const frameIds = events.map((e) => (e.data as { frameId: string }).frameId);
    expect(new Set(frameIds).size).toBe(frameIds.length);
    expect(frameIds.sort()).toEqual([...setsAcked].sort());
    const liveSets = live
      .filter((l) => l.message.type === 'set.completed')
      .map((l) => l.message.data.frameId);
    expect(new Set(liveSets).size).toBe(liveSets.length);
    expect(events[0]!.data).toMatchObject({ linkId, userId: member.user.id, machineId: target.machineId });
  }, 30_000);
});
