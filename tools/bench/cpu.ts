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

export type ProcessGroups = Record<string, () => number[]>;

/**
 * CPU used by groups of processes over an interval, as % of one core (200 % = both cores of a
 * 2-core machine). The load generator is this process. Groups are re-resolved at the end so
 * PostgreSQL backends opened meanwhile count.
 */
export function startCpuMeter(groups: ProcessGroups): () => Record<string, number> {
  const started = performance.now();
  const selfStart = process.cpuUsage();
  const before = new Map<number, number>();
  for (const pids of Object.values(groups)) for (const pid of pids()) before.set(pid, cpuSecondsOf(pid) ?? 0);
  return () => {
    const elapsedS = (performance.now() - started) / 1000;
    const self = process.cpuUsage(selfStart);
    const shares: Record<string, number> = { 'load generator': ((self.user + self.system) / 1e6 / elapsedS) * 100 };
    for (const [name, pids] of Object.entries(groups)) {
      const now = pids();
      if (now.length === 0) continue;
      let used = 0;
      for (const pid of now) used += (cpuSecondsOf(pid) ?? 0) - (before.get(pid) ?? 0);
      shares[name] = (used / elapsedS) * 100;
    }
    return shares;
  };
}
