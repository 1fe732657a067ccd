/**
 * What the hub benchmark reads from Linux's /proc: a process's resident memory and CPU time, the
 * open-file limit, and a description of the machine it runs on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, totalmem } from 'node:os';

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every common kernel). */
const TICKS_PER_S = 100;

/** `VmRSS` (resident now) and `VmHWM` (peak resident) of a process, in bytes. */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kib('VmRSS') * 1024, peak: kib('VmHWM') * 1024 };
  } catch {
    return undefined;
  }
}

/** utime + stime of a process in seconds, or undefined when it is gone. */
export function cpuSecondsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
  } catch {
    return undefined;
  }
}

/** Every process whose command name is `comm` (e.g. all `postgres` backends). */
export function pidsNamed(comm: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === comm) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

export type ProcessGroups = Record<string, () => number[]>;

/**
 * CPU used by groups of processes from now until the returned function is called, in % of one
 * core. Groups are resolved again at the end, so PostgreSQL backends opened meanwhile count.
 */
export function startCpuMeter(groups: ProcessGroups): () => Record<string, number> {
  const started = performance.now();
  const before = new Map<number, number>();
  for (const pids of Object.values(groups)) for (const pid of pids()) before.set(pid, cpuSecondsOf(pid) ?? 0);
  return () => {
    const elapsedS = (performance.now() - started) / 1000;
    const shares: Record<string, number> = {};
    for (const [name, pids] of Object.entries(groups)) {
      let used = 0;
      for (const pid of pids()) used += (cpuSecondsOf(pid) ?? 0) - (before.get(pid) ?? 0);
      shares[name] = (used / elapsedS) * 100;
    }
    return shares;
  };
}

/** A thread's scheduler statistics: ns on a CPU, ns runnable but waiting for one (/proc/…/schedstat). */
export function schedOf(pid: number, tid = pid): { runNs: number; waitNs: number } | undefined {
  try {
    const [run, wait] = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    return { runNs: run!, waitNs: wait! };
  } catch {
    return undefined;
  }
}

/**
 * How a process's main thread (its event loop) spent a stretch of time, in % of it: running on a
 * CPU, and waiting for one while it had work (the cores busy with other processes).
 */
export function startSchedMeter(pid: number): () => { runningPct: number; waitingPct: number } | undefined {
  const started = performance.now();
  const before = schedOf(pid);
  return () => {
    const after = schedOf(pid);
    if (!before || !after) return undefined;
    const elapsedNs = (performance.now() - started) * 1e6;
    return {
      runningPct: ((after.runNs - before.runNs) / elapsedNs) * 100,
      waitingPct: ((after.waitNs - before.waitNs) / elapsedNs) * 100,
    };
  };
}

/** The soft and hard limits on open files of this process. */
export function openFileLimits(): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  const value = (s: string | undefined) => (s === undefined || s === 'unlimited' ? Infinity : Number(s));
  return { soft: value(line?.[1]), hard: value(line?.[2]) };
}

/** Busy share of the whole machine between two readings of /proc/stat, % of all cores. */
export function startMachineMeter(): () => number {
  const read = () => {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n', 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number) as number[];
    const total = user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!;
    return { total, idle: idle! + iowait! };
  };
  const start = read();
  return () => {
    const end = read();
    return end.total === start.total ? 0 : (1 - (end.idle - start.idle) / (end.total - start.total)) * 100;
  };
}

export function describeMachine(): string {
  let model = 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    // not Linux
  }
  return `${model}, nproc ${availableParallelism()}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}`;
}

export const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;
