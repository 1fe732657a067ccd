/**
 * What the benchmarks need to drive and judge autocannon runs: settings from the environment,
 * one run, a fixed-rate run, what went wrong in it, percentiles, processes by command line, and a
 * plain-text table.
 */
import { readdirSync, readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startCpuMeter, type ProcessGroups } from './cpu.ts';

export const intEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, not ${raw}`);
  return value;
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const int = (n: number) => Math.round(n).toLocaleString('en-US');
export const ms1 = (n: number) => `${n.toFixed(1)} ms`;

export interface LoadTarget {
  url: string;
  method?: 'GET' | 'POST';
  body?: string;
  headers?: Record<string, string>;
  expectBody?: string;
  verifyBody?: (body: string) => boolean;
}

/** One autocannon run (pipelining 1, 10 s request timeout); `onLatency` sees every response's latency. */
export async function load(
  target: LoadTarget,
  options: { connections: number; duration: number; overallRate?: number },
  onLatency?: (ms: number) => void,
): Promise<autocannon.Result> {
  const instance = autocannon({
    url: target.url,
    pipelining: 1,
    timeout: 10,
    ...(target.method ? { method: target.method } : {}),
    ...(target.body !== undefined ? { body: target.body } : {}),
    ...(target.headers ? { headers: target.headers } : {}),
    ...(target.expectBody ? { expectBody: target.expectBody } : {}),
    ...(target.verifyBody ? { verifyBody: target.verifyBody } : {}),
    ...options,
  });
  if (onLatency)
    instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => onLatency(ms));
  return await instance;
}

/**
 * `rate` req/s for `durationS` over `connections`, with every response's latency kept: what the
 * p99 targets are judged on. `others` is the CPU (% of a core) no process of the target explained.
 */
export async function fixedRateRun(
  target: LoadTarget & { processes: ProcessGroups },
  options: { rate: number; connections: number; durationS: number },
): Promise<{
  result: autocannon.Result;
  sorted: Float64Array;
  achieved: number;
  others: number | undefined;
}> {
  const raw: number[] = [];
  const meter = startCpuMeter(target.processes);
  const result = await load(
    target,
    { connections: options.connections, duration: options.durationS, overallRate: options.rate },
    (ms) => raw.push(ms),
  );
  const others = meter().others;
  return {
    result,
    sorted: Float64Array.from(raw).sort(),
    achieved: result.requests.total / result.duration,
    others,
  };
}

/** What is wrong with a run: any error, timeout, body mismatch or non-2xx answer. */
export function problemsOf(phase: string, result: autocannon.Result): string[] {
  const problems: string[] = [];
  if (result.requests.total === 0) problems.push(`${phase}: no request completed`);
  if (result.errors) problems.push(`${phase}: ${result.errors} errors (${result.timeouts} of them timeouts)`);
  if (result.mismatches) problems.push(`${phase}: ${result.mismatches} unexpected bodies`);
  if (result.non2xx) {
    const codes = Object.entries(result.statusCodeStats)
      .filter(([code]) => !code.startsWith('2'))
      .map(([code, { count }]) => `${code}×${count}`)
      .join(', ');
    problems.push(`${phase}: ${result.non2xx} non-2xx answers (${codes})`);
  }
  return problems;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Processes whose command line matches `pattern` (arguments joined by spaces), e.g. PostgreSQL backends by database. */
export function pidsMatching(pattern: RegExp): number[] {
  const found: number[] = [];
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
        if (pattern.test(cmdline)) found.push(Number(entry));
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    // not Linux
  }
  return found;
}

/** Rows as aligned columns: the first column left-aligned, the others right-aligned, a rule under the header. */
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  for (const [i, row] of rows.entries()) {
    console.log(
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  }
}

/**
 * The NATS server at `natsUrl` when a server's command line names its port (other engineers' servers
 * share the machine and must not be counted), else every nats-server.
 */
export const natsPidsOf = (natsUrl: string) => {
  const port = new URL(natsUrl).port || '4222';
  const own = new RegExp(`^\\S*nats-server\\b.*\\s(?:-p|--port)[ =]?${port}\\b`);
  return () => {
    const pids = pidsMatching(own);
    return pids.length > 0 ? pids : pidsMatching(/^\S*nats-server\b/);
  };
};

/** The PostgreSQL backends serving the database `name` (their command line names it). */
export const postgresPidsOf = (name: string) => () =>
  pidsMatching(new RegExp(`^postgres: (?:\\S+: )?\\S+ ${name} `));
