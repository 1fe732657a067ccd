/**
 * Preloaded into the hub process by the hub benchmark (NODE_OPTIONS=--import …/hub-probe.ts), so the
 * hub's own code stays untouched: once a second it appends to HUB_PROBE_FILE one JSON line with
 * the event-loop delay of that second, the garbage-collection pauses, and the V8 heap's share of
 * the resident memory. A second's work costs the hub next to nothing.
 */
import { appendFileSync } from 'node:fs';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface ProbeSample {
  /** End of the second (ms since the epoch). */
  t: number;
  /** The same moment on the monotonic clock V8's CPU profiles use (µs), to find the window in them. */
  monoUs: number;
  loopP50Ms: number;
  loopP99Ms: number;
  loopMaxMs: number;
  gcCount: number;
  gcMs: number;
  /** The longest pause of the second and its kind (scavenge, mark-compact, …). */
  gcMaxMs: number;
  gcMaxKind: string;
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
}

/** The histogram records whole timer intervals: the delay is what exceeds the resolution. */
const RESOLUTION_MS = 10;
const delayMs = (intervalNs: number) => Math.max(0, intervalNs / 1e6 - RESOLUTION_MS);

const file = process.env.HUB_PROBE_FILE;
if (file) {
  const kinds: Record<number, string> = {
    [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
    [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge',
    [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
    [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak-callbacks',
  };
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  let gcCount = 0;
  let gcMs = 0;
  let gcMaxMs = 0;
  let gcMaxKind = '';
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcCount += 1;
      gcMs += entry.duration;
      if (entry.duration > gcMaxMs) {
        gcMaxMs = entry.duration;
        const detail = (entry as unknown as { detail?: { kind?: number } }).detail;
        gcMaxKind = kinds[detail?.kind ?? -1] ?? 'gc';
      }
    }
  }).observe({ entryTypes: ['gc'] });
  setInterval(() => {
    const memory = process.memoryUsage();
    const sample: ProbeSample = {
      t: Date.now(),
      monoUs: Number(process.hrtime.bigint() / 1000n),
      loopP50Ms: delayMs(loop.percentile(50)),
      loopP99Ms: delayMs(loop.percentile(99)),
      loopMaxMs: delayMs(loop.max),
      gcCount,
      gcMs,
      gcMaxMs,
      gcMaxKind,
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      heapTotal: memory.heapTotal,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
    };
    loop.reset();
    gcCount = 0;
    gcMs = 0;
    gcMaxMs = 0;
    gcMaxKind = '';
    try {
      appendFileSync(file, `${JSON.stringify(sample)}\n`);
    } catch {
      // the benchmark went away
    }
  }, 1000).unref();
}
