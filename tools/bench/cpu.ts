import { availableParallelism } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second for /proc/<pid>/stat (USER_HZ, 100 on every common kernel). */
const TICKS_PER_S = 100;

/** utime + stime of a process, in seconds, or undefined when it cannot be read (gone, not Linux). */
function cpuSecondsOf(pid: number): number | undefined {
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
  try {
    return readdirSync('/proc')
      .filter((entry) => /^\d+$/.test(entry))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === comm;
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/** Jiffies of the whole machine from /proc/stat: [total, idle + iowait, softirq]. */
function machineJiffies(): [number, number, number] | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const [user, nice, system, idle, iowait, irq, softirq, steal] = line
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number) as number[];
    return [user! + nice! + system! + idle! + iowait! + irq! + softirq! + steal!, idle! + iowait!, softirq!];
  } catch {
    return undefined;
  }
}

export type ProcessGroups = Record<string, () => number[]>;

export interface CpuUse {
  /** Per group (and `load generator`, this process): % of one core. */
  processes: Record<string, number>;
  /** The whole machine, % of all cores; softirq (loopback TCP, unattributed to processes) is part of it. */
  machine?: { busy: number; softirq: number };
  /** CPU no listed process nor softirq accounts for, % of one core: other work sharing the machine. */
  others?: number;
}

/**
 * CPU used by groups of processes over an interval, plus how busy the whole machine was and how
 * much of that no listed process explains. Groups are re-resolved at the end so PostgreSQL
 * backends opened meanwhile count.
 */
export function startCpuMeter(groups: ProcessGroups): () => CpuUse {
  const started = performance.now();
  const selfStart = process.cpuUsage();
  const machineStart = machineJiffies();
  const before = new Map<number, number>();
  for (const pids of Object.values(groups)) for (const pid of pids()) before.set(pid, cpuSecondsOf(pid) ?? 0);
  return () => {
    const elapsedS = (performance.now() - started) / 1000;
    const self = process.cpuUsage(selfStart);
    const processes: Record<string, number> = {
      'load generator': ((self.user + self.system) / 1e6 / elapsedS) * 100,
    };
    for (const [name, pids] of Object.entries(groups)) {
      const now = pids();
      if (now.length === 0) continue;
      let used = 0;
      for (const pid of now) used += (cpuSecondsOf(pid) ?? 0) - (before.get(pid) ?? 0);
      processes[name] = (used / elapsedS) * 100;
    }
    const machineEnd = machineJiffies();
    if (!machineStart || !machineEnd || machineEnd[0] === machineStart[0]) return { processes };
    const total = machineEnd[0] - machineStart[0];
    const busy = (1 - (machineEnd[1] - machineStart[1]) / total) * 100;
    const softirq = ((machineEnd[2] - machineStart[2]) / total) * 100;
    const cores = availableParallelism();
    const listed = Object.values(processes).reduce((sum, share) => sum + share, 0);
    return { processes, machine: { busy, softirq }, others: Math.max(0, (busy - softirq) * cores - listed) };
  };
}

/** How busy the whole machine is over `ms` (% of all cores), e.g. to warn that others share it. */
export async function machineBusy(ms: number): Promise<number | undefined> {
  const start = machineJiffies();
  await new Promise((r) => setTimeout(r, ms));
  const end = machineJiffies();
  if (!start || !end || end[0] === start[0]) return undefined;
  return (1 - (end[1] - start[1]) / (end[0] - start[0])) * 100;
}

/** Other processes running a service of this repo (`…/src/main.ts`), e.g. another session's tests. */
export function foreignServices(own: Set<number>): string[] {
  const found: string[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry) || own.has(Number(entry))) continue;
      try {
        const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
        const main = argv.find((arg) => /apps\/[\w-]+\/src\/main\.ts$/.test(arg));
        if (main) found.push(`${entry} ${main}`);
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // not Linux
  }
  return found;
}

/** One line of a meter's reading: each group's share of a core and its CPU time per unit of work. */
export function cpuLine(cpu: CpuUse, unitsPerS: number, unit = 'request'): string {
  const shares = Object.entries(cpu.processes)
    .map(([name, share]) => `${name} ${Math.round(share)}% (${((share * 10) / unitsPerS).toFixed(3)} ms)`)
    .join(', ');
  const machine = cpu.machine
    ? `; machine ${Math.round(cpu.machine.busy)}% busy (softirq ${Math.round(cpu.machine.softirq)}%), unexplained ${Math.round(cpu.others ?? 0)}%`
    : '';
  return `  CPU (% of one core, ms of CPU per ${unit}): ${shares}${machine}`;
}
