/** The hub benchmark's figures: merged from the workers' reports, printed with DESIGN.md §10's verdicts. */
import type { ProbeSample } from './hub-probe.ts';
import { availableParallelism } from 'node:os';
import { mib } from './hub-proc.ts';
import type { WorkerReport } from './hub-protocol.ts';

/** DESIGN.md §10, machine-hub. */
export const TARGETS = { sockets: 10_000, telemetryMachines: 2_000, p99Ms: 100, rssBytes: 2 ** 30 };

export interface HubSample {
  /** Resident memory sampled each second during the window: the highest, and at its end. */
  rssMax: number;
  rssEnd: number;
  /** VmHWM: the highest resident memory since the hub started (ramp-up included). */
  rssPeakSinceStart: number;
}

export interface RunFigures {
  machines: number;
  linkedWanted: number;
  durationS: number;
  telemetryHz: number;
  /** Connected when the window opened (all workers ready). */
  connectedAtStart: number;
  reports: WorkerReport[];
  hub: HubSample;
  /** % of one core per process group during the window. */
  cpu: Record<string, number>;
  machineBusyPct: number;
  /** Frame timestamp → the live message on NATS, for a sample of members (the hub's half). */
  natsLatencies: number[];
  natsSampleMembers: number;
  /** The hub's main thread in the window: % running, % runnable but waiting for a CPU. */
  hubSched: { runningPct: number; waitingPct: number } | undefined;
  /** The hub's own per-second event-loop delay, GC pauses and heap (hub-probe.ts), in the window. */
  probe: ProbeSample[] | undefined;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (Number.isNaN(n) ? '—' : `${n.toFixed(n < 10 ? 1 : 0)} ms`);
const verdict = (ok: boolean) => (ok ? 'MET' : 'MISSED');

/** Prints the figures; returns whether both §10 targets were met with every socket and link in place. */
export function printFigures(f: RunFigures): boolean {
  const sum = (pick: (r: WorkerReport) => number) => f.reports.reduce((total, r) => total + pick(r), 0);
  const latencies = Float64Array.from(f.reports.flatMap((r) => r.latencies)).sort();
  const sent = sum((r) => r.sent);
  const acked = sum((r) => r.acked);
  const seen = sum((r) => r.seen);
  const lost = sum((r) => r.lost);
  const linked = sum((r) => r.linked);
  const connectedAtEnd = sum((r) => r.connected);
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  const errors: Record<string, number> = {};
  for (const r of f.reports)
    for (const [code, count] of Object.entries(r.errors)) errors[code] = (errors[code] ?? 0) + count;

  console.log('\n══ Results ══');
  console.log(
    `connections established    ${int(f.connectedAtStart)} of ${int(f.machines)} machine sockets ` +
      `(${int(connectedAtEnd)} still connected at the end; ${int(sum((r) => r.failedToConnect))} never connected)`,
  );
  console.log(
    `linked, sending telemetry  ${int(linked)} of ${int(f.linkedWanted)} machines at ${f.telemetryHz} Hz, each watched by its member's live socket`,
  );
  console.log(
    `telemetry in the window    ${int(sent)} sent in ${f.durationS} s (${int(sent / f.durationS)}/s), ${int(acked)} acked, ` +
      `${int(seen)} seen on the live feed`,
  );
  console.log(
    `lost frames                ${int(lost)} (acked but never on the live feed); ${int(sent - acked)} not acked; ` +
      `${int(sum((r) => r.duplicates))} seen twice; ${int(sum((r) => r.drops))} drops, ${int(sum((r) => r.replayed))} frames replayed`,
  );
  console.log(
    `telemetry → live feed      p50 ${ms(p50)}, p90 ${ms(percentile(latencies, 90))}, p99 ${ms(p99)}, ` +
      `p99.9 ${ms(percentile(latencies, 99.9))}, max ${ms(latencies.at(-1) ?? Number.NaN)}  (${int(latencies.length)} frames)`,
  );
  const nats = Float64Array.from(f.natsLatencies).sort();
  console.log(
    `  of which hub → NATS      p50 ${ms(percentile(nats, 50))}, p99 ${ms(percentile(nats, 99))}, max ${ms(nats.at(-1) ?? Number.NaN)} ` +
      `(frame timestamp → live message read off NATS by the benchmark, ${f.natsSampleMembers} members' ${int(nats.length)} frames)`,
  );
  console.log(
    `hub resident memory        ${mib(f.hub.rssEnd)} at the end of the window, ${mib(f.hub.rssMax)} at most during it, ` +
      `${mib(f.hub.rssPeakSinceStart)} peak since start (VmHWM)`,
  );
  console.log(
    `CPU in the window          ${Object.entries(f.cpu)
      .map(([name, share]) => `${name} ${Math.round(share)}%`)
      .join(', ')} (% of one core); machine ${Math.round(f.machineBusyPct)}% busy (all cores)`,
  );
  // What no listed process explains (loopback networking is mostly charged to the processes): others.
  const listed = Object.values(f.cpu).reduce((sum, share) => sum + share, 0);
  const others = Math.max(0, f.machineBusyPct * availableParallelism() - listed);
  console.log(
    `other processes            ~${Math.round(others)}% of a core${
      others > 25
        ? '  ⚠ something else used the CPU meanwhile (another benchmark, test run or build?): latencies are high and noisy'
        : ''
    }`,
  );
  if (f.hubSched)
    console.log(
      `hub main thread            on a CPU ${Math.round(f.hubSched.runningPct)}% of the window, waiting for one ` +
        `${Math.round(f.hubSched.waitingPct)}% (runnable while other processes had both cores)`,
    );
  if (f.probe && f.probe.length > 0) printProbe(f.probe, f.durationS);
  const loopP99 = Math.max(...f.reports.map((r) => r.loopDelayP99Ms));
  const loopMax = Math.max(...f.reports.map((r) => r.loopDelayMaxMs));
  console.log(
    `load workers' event loops  delay p99 ${ms(loopP99)}, max ${ms(loopMax)} (worst worker; adds to the latencies measured)`,
  );
  for (const r of f.reports)
    if (r.lastLinkError) console.log(`link failure (example)     ${r.lastLinkError}`);
  if (Object.keys(errors).length > 0)
    console.log(
      `machine-side errors        ${Object.entries(errors)
        .map(([code, count]) => `${code} ${int(count)}`)
        .join(', ')} (whole run)`,
    );

  const everything = f.connectedAtStart >= f.machines && linked >= f.linkedWanted;
  const latencyOk = p99 < TARGETS.p99Ms && lost === 0;
  const memoryOk = f.hub.rssPeakSinceStart < TARGETS.rssBytes;
  console.log('\nDESIGN.md §10 targets (machine-hub):');
  console.log(
    `  ${int(TARGETS.sockets)} concurrent sockets, ${int(TARGETS.telemetryMachines)} at 1 Hz:  ` +
      `${int(f.connectedAtStart)} sockets, ${int(linked)} linked → ${verdict(f.connectedAtStart >= TARGETS.sockets && linked >= TARGETS.telemetryMachines)}` +
      (f.machines < TARGETS.sockets ? ` (this run asked for ${int(f.machines)})` : ''),
  );
  console.log(
    `  telemetry → live p99 < ${TARGETS.p99Ms} ms:               ${ms(p99)}${lost ? `, ${int(lost)} lost` : ''} → ${verdict(latencyOk)}`,
  );
  console.log(
    `  hub resident memory < 1 GiB:               ${mib(f.hub.rssPeakSinceStart)} peak → ${verdict(memoryOk)}`,
  );
  return everything && latencyOk && memoryOk;
}

/** The hub's event loop and garbage collector during the window, from hub-probe.ts. */
function printProbe(samples: ProbeSample[], durationS: number): void {
  const p99s = Float64Array.from(samples.map((s) => s.loopP99Ms)).sort();
  const worst = samples.reduce((a, b) => (b.gcMaxMs > a.gcMaxMs ? b : a));
  const gcMs = samples.reduce((sum, s) => sum + s.gcMs, 0);
  const gcCount = samples.reduce((sum, s) => sum + s.gcCount, 0);
  const last = samples.at(-1)!;
  console.log(
    `hub event loop             delay per second: p99 of the median second ${ms(percentile(p99s, 50))}, of the worst ` +
      `${ms(p99s.at(-1)!)}; longest block ${ms(Math.max(...samples.map((s) => s.loopMaxMs)))}`,
  );
  console.log(
    `hub garbage collection     ${int(gcCount)} pauses, ${int(gcMs)} ms in all (${((gcMs / (durationS * 1000)) * 100).toFixed(1)}% of ` +
      `the window), longest ${ms(worst.gcMaxMs)} (${worst.gcMaxKind})`,
  );
  const first = samples[0]!;
  const used = samples.map((s) => s.heapUsed);
  console.log(
    `hub memory at the end      V8 heap ${mib(last.heapUsed)} used of ${mib(last.heapTotal)}, external ${mib(last.external)} ` +
      `(array buffers ${mib(last.arrayBuffers)}), resident ${mib(last.rss)}`,
  );
  console.log(
    `hub heap over the window   used ${mib(first.heapUsed)} at the start, ${mib(Math.min(...used))}–${mib(Math.max(...used))}, ` +
      `${mib(last.heapUsed)} at the end; heap total ${mib(first.heapTotal)} → ${mib(last.heapTotal)}, resident ${mib(first.rss)} → ${mib(last.rss)}`,
  );
}
