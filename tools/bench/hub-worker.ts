/**
 * A load worker of the hub benchmark (forked by hub-bench.ts, driven over IPC): its slice of the
 * simulated machines (tools/machine-sim, the same state machine `pnpm sim` runs), and for the first
 * `linked` of them a member who links by the machine's QR code and watches the live feed. While
 * measuring it records each telemetry frame's timestamp, its ack, and its arrival at the member's
 * socket (one clock: this process).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { apiClient, registerMember } from '@nxg/testing';
import { linkByQr } from '../machine-sim/demo-member.ts';
import { LiveFeed, type LiveFeedMessage } from '../machine-sim/live-feed.ts';
import { kindOf } from '../machine-sim/metrics.ts';
import { SimMachine } from '../machine-sim/sim-machine.ts';
import { SimStats } from '../machine-sim/sim-stats.ts';
import type { FromWorker, ToWorker, WorkerProgress, WorkerReport, WorkerSetup } from './hub-protocol.ts';

const tell = (message: FromWorker) => process.send?.(message);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stats = new SimStats();
let machines: SimMachine[] = [];
const feeds: LiveFeed[] = [];
const readyWaiters = new Map<SimMachine, () => void>();
let failedToConnect = 0;
let members = 0;
let linked = 0;
let lastLinkError: string | undefined;

/** The measurement window: telemetry frames made in it, their acks, their arrivals on the live feed. */
let recording = false;
const sentAt = new Map<string, number>();
const acked = new Set<string>();
const seen = new Map<string, number>();
const latencies: number[] = [];
let dropsBefore = 0;
let replayedBefore = 0;
const loopDelay = monitorEventLoopDelay({ resolution: 10 });

function progress(): WorkerProgress {
  return {
    connected: machines.filter((m) => m.connected).length,
    failedToConnect,
    members,
    linked,
    errors: Object.fromEntries(stats.errors),
    ...(lastLinkError ? { lastLinkError } : {}),
  };
}

async function mapLimit<T>(count: number, limit: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return results;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

function onLive(message: LiveFeedMessage, receivedAt: number): void {
  if (message.type !== 'telemetry') return;
  const frameId = message.data.frameId as string;
  const madeAt = sentAt.get(frameId);
  if (madeAt === undefined) return; // made outside the window
  const times = seen.get(frameId) ?? 0;
  seen.set(frameId, times + 1);
  if (times === 0) latencies.push(receivedAt - madeAt);
}

async function setup(s: WorkerSetup): Promise<void> {
  machines = s.machines.map(
    (credentials, i) =>
      new SimMachine({
        credentials: { ...credentials, kind: kindOf(i), name: `bench ${s.workerIndex}.${i}` },
        gatewayUrl: s.gatewayUrl,
        hubUrl: s.hubUrl,
        telemetryHz: s.telemetryHz,
        setEveryS: s.setEveryS,
        showQr: i < s.linked || s.idleQr,
        stats,
        hooks: {
          onState(state, machine) {
            if (state === 'ready') readyWaiters.get(machine)?.();
          },
          onSent(frame, replay) {
            if (recording && !replay && frame.type === 'telemetry')
              sentAt.set(frame.id, Date.parse(frame.ts));
          },
          onAck(frame) {
            if (frame.type === 'telemetry' && sentAt.has(frame.id)) acked.add(frame.id);
          },
        },
      }),
  );
  const reporter = setInterval(() => tell({ type: 'progress', progress: progress() }), 2000);

  // Machines connect a few at a time (each: a token through the gateway, the socket, hello/welcome).
  const connecting = mapLimit(machines.length, s.connectConcurrency, async (i) => {
    const machine = machines[i]!;
    const ready = new Promise<void>((resolve) => readyWaiters.set(machine, resolve));
    machine.start();
    const timeout = sleep(60_000).then(() => 'timeout');
    if ((await Promise.race([ready, timeout])) === 'timeout') failedToConnect += 1;
    readyWaiters.delete(machine);
  });
  // Meanwhile their members sign up (argon2id hashing makes that the slow part).
  const api = apiClient(s.gatewayUrl);
  const signedUp = mapLimit(s.linked, 4, async () => {
    const member = await registerMember(api, { name: 'Bench Member' });
    members += 1;
    return member;
  });
  const [, accounts] = await Promise.all([connecting, signedUp]);

  // Each member opens the live feed, scans their machine's QR code, and waits for the link. A pair
  // that cannot be linked after a few tries is counted (LINK_FAILED), not fatal: the report says so.
  await mapLimit(s.linked, 8, async (i) => {
    const member = accounts[i]!;
    const machine = machines[i]!;
    try {
      const feed = new LiveFeed(s.gatewayUrl, member.accessToken, onLive);
      feeds.push(feed);
      await feed.ready;
      for (let attempt = 1; !machine.linked; attempt++) {
        const scannable = () => machine.linked || (machine.connected && machine.qr !== undefined);
        if (!(await until(scannable, 60_000))) throw new Error('it shows no QR code');
        if (machine.linked) break;
        try {
          await linkByQr(s.gatewayUrl, member.accessToken, machine.qr!.token);
        } catch (error) {
          // The link may have been made even so (an answer lost to a timeout): the loop sees it.
          if (attempt >= 5) throw error;
          machine.qr = undefined;
          machine.refreshQr();
          continue;
        }
        await until(() => machine.linked, 15_000);
      }
      linked += 1;
    } catch (error) {
      stats.error('LINK_FAILED');
      lastLinkError = `machine ${machine.machineId}: ${(error as Error).message}`;
    }
  });
  clearInterval(reporter);
  // A few members whose live messages the benchmark also reads straight off NATS (the hub's half).
  tell({ type: 'ready', progress: progress(), sampleUserIds: accounts.slice(0, 25).map((a) => a.user.id) });
}

function measure(): void {
  recording = true;
  dropsBefore = stats.drops;
  replayedBefore = stats.replayed;
  loopDelay.reset();
  loopDelay.enable();
}

async function report(graceMs: number): Promise<void> {
  recording = false;
  loopDelay.disable();
  // Frames on their way when the window closed get a little time to arrive.
  await sleep(graceMs);
  let seenCount = 0;
  let lost = 0;
  let duplicates = 0;
  for (const id of sentAt.keys()) {
    const times = seen.get(id) ?? 0;
    if (times > 0) seenCount += 1;
    if (times > 1) duplicates += 1;
    if (times === 0 && acked.has(id)) lost += 1;
  }
  const result: WorkerReport = {
    ...progress(),
    sent: sentAt.size,
    acked: acked.size,
    seen: seenCount,
    lost,
    duplicates,
    latencies,
    drops: stats.drops - dropsBefore,
    replayed: stats.replayed - replayedBefore,
    // The histogram records whole 10 ms timer intervals: the delay is what exceeds them.
    loopDelayP99Ms: Math.max(0, loopDelay.percentile(99) / 1e6 - 10),
    loopDelayMaxMs: Math.max(0, loopDelay.max / 1e6 - 10),
  };
  tell({ type: 'report', report: result });
}

async function stop(): Promise<void> {
  for (const feed of feeds) feed.close();
  await Promise.all(machines.map((m) => m.stop()));
  process.exit(0);
}

process.on('disconnect', () => process.exit(0)); // the benchmark went away
process.on('message', (message: ToWorker) => {
  const run = async () => {
    if (message.type === 'setup') await setup(message.setup);
    else if (message.type === 'measure') measure();
    else if (message.type === 'report') await report(message.graceMs);
    else await stop();
  };
  run().catch((error: unknown) => tell({ type: 'failed', message: (error as Error).stack ?? String(error) }));
});
