import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Metrics } from '@nxg/contracts';
import {
  adminEnv,
  apiClient,
  platformAdmin,
  readEvents,
  registerMember,
  startPlatform,
  waitFor,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { linkByQr } from './demo-member.ts';
import { provisionMachines } from './provision.ts';
import type { OutboxedFrame } from './sim-machine.ts';
import { Simulation } from './simulation.ts';

let platform: TestPlatform;
let dataDir: string;
let sim: Simulation | undefined;
const startedAt = new Date();

beforeAll(async () => {
  platform = await startPlatform({
    replicas: { 'machine-hub': 1, workout: 1, analytics: 1 },
    env: { identity: adminEnv },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'nxg-sim-analytics-'));
});
afterAll(async () => {
  await sim?.stop();
  await platform?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const round1 = (value: number) => Math.round(value * 10) / 10;

describe('a workout on a simulated treadmill, through the hub and workout to analytics', () => {
  it('gives the member the distance, kcal and sets the machine measured, summed once', async () => {
    const gatewayUrl = platform.gatewayUrl;
    const api = apiClient(gatewayUrl);
    const { branchId, machines } = await provisionMachines({
      gatewayUrl,
      count: 1,
      file: join(dataDir, 'machines.json'),
      admin: () => platformAdmin,
    });
    const treadmill = machines[0]!;
    expect(treadmill.kind).toBe('treadmill');
    const member = await registerMember(api, { name: 'Ada Runner' });

    const telemetry: Metrics[] = [];
    const sets: string[] = [];
    let unlinkAcked = false;
    let linking: Promise<unknown> | undefined;
    sim = new Simulation(machines, {
      gatewayUrl,
      hubUrl: platform.hubUrls[0]!,
      telemetryHz: 5,
      setEveryS: 1,
      workoutS: 4,
      staggerMs: 0,
      hooks: {
        onQr(qr) {
          linking ??= linkByQr(gatewayUrl, member.accessToken, qr.token);
        },
        onAck(frame: OutboxedFrame) {
          if (frame.type === 'telemetry') telemetry.push(frame.metrics);
          if (frame.type === 'set.completed') sets.push(frame.id);
          if (frame.type === 'unlink') unlinkAcked = true;
        },
      },
    });
    sim.start();
    await linking;
    // The machine ends its workout after 4 s with an unlink frame, once every frame before it is acknowledged.
    await waitFor(async () => unlinkAcked, 20_000);
    await sim.stop(5000);
    expect(telemetry.length).toBeGreaterThanOrEqual(10);
    expect(sets.length).toBeGreaterThanOrEqual(2);

    // What the machine measured: its counters start with the workout, so the last sample is the total.
    const last = telemetry.at(-1)!;
    const heartRates = telemetry.map((m) => m.heartRate!);
    const [unlinked] = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${branchId}.${treadmill.machineId}.unlinked`,
      since: startedAt,
      expect: 1,
    });
    expect(unlinked!.data).toMatchObject({
      userId: member.user.id,
      reason: 'machine',
      workout: {
        machineName: treadmill.name,
        machineType: 'cardio',
        distanceM: round1(last.distanceM!),
        kcal: round1(last.calories!),
        avgHeartRate: Math.round(heartRates.reduce((a, b) => a + b, 0) / heartRates.length),
        maxHeartRate: Math.max(...heartRates),
        sets: sets.length,
        samples: telemetry.length,
      },
    });

    // Analytics: the machine's own distance and kcal (its interval sets are covered by them), each set once.
    const today = new Date().toISOString().slice(0, 10);
    const day = await waitFor(async () => {
      const week = await api.get(`/v1/analytics/workouts?period=week&from=${today}`, member.accessToken);
      const found = week.body.days?.find((d: { date: string }) => d.date === today);
      return found?.distanceM > 0 && found.sets === sets.length ? found : undefined;
    }, 20_000);
    expect(day).toMatchObject({
      sets: sets.length,
      distanceM: Math.round(round1(last.distanceM!)),
      kcal: Math.round(round1(last.calories!)),
    });
    // Points: a set each, a workout day, and a first machine workout.
    const points = await waitFor(async () => {
      const mine = await api.get('/v1/me/points?limit=100', member.accessToken);
      return mine.body.total === sets.length + 10 + 25 ? mine.body : undefined;
    }, 20_000);
    expect(points.ledger.items).toHaveLength(sets.length + 2);
  }, 90_000);
});
