/**
 * Machine-hub benchmark (DESIGN.md §10): ONE machine-hub process on this machine holding 10,000
 * concurrent machine sockets, 2,000 of them linked to members and sending telemetry at 1 Hz, each
 * member watching on a live socket at the gateway. It prints the connections established, the
 * telemetry → live-feed latency p50/p99 (the frame's own timestamp against its arrival at the
 * member's socket, both read in the same load worker), lost frames (acked by the hub, never seen on
 * the live feed), the hub's resident memory (/proc/<pid>/status) and CPU, and whether the §10
 * targets are met (p99 < 100 ms, resident memory < 1 GiB).
 *
 *   NATS_URL=nats://127.0.0.1:4222 DATABASE_URL=postgres://… REDIS_URL=redis://… pnpm bench:hub
 *
 * How: the platform starts as @nxg/testing's startPlatform starts it (identity, gateway, one hub;
 * gateway rate limits lifted, HEARTBEAT_INTERVAL_S=30); machines are created through the REST API
 * in parallel batches (no shortcut into the hub's database); 2–4 forked load workers
 * (hub-worker.ts) run the machines with tools/machine-sim (token → socket → hello → heartbeats,
 * QR codes, telemetry through the outbox) and the members (sign-up, live feed, QR link). After a
 * warm-up, a window of BENCH_DURATION_S is measured. Traffic goes to 127.0.0.1 only. When the
 * open-file limit is too low for the sockets, the benchmark runs itself again under
 * `ulimit -n 65536` (or the hard limit); every process it starts inherits that.
 *
 * Knobs (environment): BENCH_MACHINES (10000), BENCH_LINKED (2000), BENCH_WORKERS (4),
 *   BENCH_WARMUP_S (15), BENCH_DURATION_S (60), BENCH_HEARTBEAT_S (30), BENCH_TELEMETRY_HZ (1),
 *   BENCH_SET_EVERY_S (0: no set.completed; e.g. 30 adds a set per linked machine every ~30 s),
 *   BENCH_IDLE_QR (1: idle machines show rotating QR codes, as real ones do; 0: only those to link),
 *   BENCH_CONNECT_CONCURRENCY (25 per worker), BENCH_PROVISION_CONCURRENCY (32),
 *   BENCH_READY_TIMEOUT_S (300: the wait for every machine connected and member linked; 20,000
 *   machines with 4,000 sign-ups need more),
 *   BENCH_HUB_ENV (JSON of extra hub variables, e.g. '{"NODE_OPTIONS":"--max-old-space-size=512"}'),
 *   BENCH_HUB_NICE (e.g. -10: the hub's event-loop thread gets the CPU first; tells the hub's own
 *   cost from the CPU it shares with the load workers, NATS and the gateway), BENCH_HUB_PROBE (0: no
 *   hub-probe.ts preload), BENCH_HUB_LOG (1: print the end of the hub's output),
 *   BENCH_CPU_PROF_DIR (the hub writes a V8 .cpuprofile there, with the window's bounds; read it
 *   with `node tools/bench/hub-profile.ts <dir>`; figures of such a run are not comparable),
 *   BENCH_TELEMETRY_MAX_BYTES (the run's TELEMETRY stream limit; default production's, from
 *   contracts, which a run never fills. A small one, e.g. 67108864 as tests use, measures a full
 *   stream: every frame stored then evicts the oldest, a NATS cost of its own — see the report's
 *   `TELEMETRY stream` line and docs/benchmarks-hub.md).
 * tools/bench/hub-nats-cost.ts measures the NATS side of one telemetry frame on its own.
 * A missed target does not fail the process; a setup that cannot be completed does (exit 1).
 */
import { spawnSync, fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { getPriority, loadavg, setPriority, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import { liveSubjects, streams } from '@nxg/contracts';
import { startPlatform, type TestPlatform } from '@nxg/testing';
import { callApi } from '../machine-sim/http.ts';
import { natsPidsOf } from './load-run.ts';
import { createMachines, login } from '../machine-sim/provision.ts';
import {
  describeMachine,
  memoryOf,
  openFileLimits,
  pidsNamed,
  startCpuMeter,
  startMachineMeter,
  startSchedMeter,
  type ProcessGroups,
} from './hub-proc.ts';
import type { FromWorker, ToWorker, WorkerProgress, WorkerReport } from './hub-protocol.ts';
import type { ProbeSample } from './hub-probe.ts';
import type { ProfileWindow } from './hub-profile.ts';
import { printFigures, type HubSample } from './hub-report.ts';

const intEnv = (name: string, fallback: number, min = 1): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min)
    throw new Error(`${name} must be a whole number ≥ ${min}, not ${raw}`);
  return value;
};

const settings = {
  machines: intEnv('BENCH_MACHINES', 10_000),
  linked: intEnv('BENCH_LINKED', 2_000, 0),
  workers: intEnv('BENCH_WORKERS', 4),
  warmupS: intEnv('BENCH_WARMUP_S', 15, 0),
  durationS: intEnv('BENCH_DURATION_S', 60),
  heartbeatS: intEnv('BENCH_HEARTBEAT_S', 30),
  telemetryHz: intEnv('BENCH_TELEMETRY_HZ', 1),
  setEveryS: intEnv('BENCH_SET_EVERY_S', 0, 0),
  idleQr: process.env.BENCH_IDLE_QR !== '0',
  connectConcurrency: intEnv('BENCH_CONNECT_CONCURRENCY', 25),
  /** How long the workers may take to connect and link everything (argon2id sign-ups, tokens). */
  readyTimeoutS: intEnv('BENCH_READY_TIMEOUT_S', 300),
  provisionConcurrency: intEnv('BENCH_PROVISION_CONCURRENCY', 32),
  hubEnv: JSON.parse(process.env.BENCH_HUB_ENV || '{}') as Record<string, string>,
  profileDir: process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined,
  /** A scheduling priority for the hub's event-loop thread (e.g. -10; needs root), to tell its own
   * cost from the CPU it shares with the load workers, NATS and the gateway on this machine. */
  hubNice: process.env.BENCH_HUB_NICE ? Number(process.env.BENCH_HUB_NICE) : undefined,
  /** Preload hub-probe.ts into the hub (event-loop delay, GC pauses, heap); 0 turns it off. */
  probe: process.env.BENCH_HUB_PROBE !== '0',
  /** Print the end of the hub's own output (not --trace-gc: Node refuses it in NODE_OPTIONS; the probe has GC pauses). */
  showHubLog: process.env.BENCH_HUB_LOG === '1',
  telemetryMaxBytes: intEnv('BENCH_TELEMETRY_MAX_BYTES', telemetryStream().maxBytes ?? 10 * 2 ** 30),
};
if (settings.linked > settings.machines) throw new Error('BENCH_LINKED cannot exceed BENCH_MACHINES');
function telemetryStream() {
  const declared = streams.find((s) => s.name === 'TELEMETRY');
  if (!declared) throw new Error('contracts declare no TELEMETRY stream');
  return declared;
}
const probeFile = join(mkdtempSync(join(tmpdir(), 'nxg-hub-bench-')), 'hub-probe.jsonl');
const admin = { email: 'hub-bench@nxg.test', password: 'hub benchmark admin password' };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const elapsed = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

// ── open files: the hub holds one per machine socket ─────────────────────────────────────────

const filesNeeded = settings.machines + 2048;
const limits = openFileLimits();
if (limits.soft < filesNeeded && !process.env.HUB_BENCH_RAISED_NOFILE) {
  console.log(
    `open-file limit ${limits.soft} (hard ${limits.hard}) is below ${filesNeeded}: running again under ulimit -n`,
  );
  const again = spawnSync(
    'bash',
    [
      '-c',
      'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"',
      process.execPath,
      ...process.argv.slice(1),
    ],
    { stdio: 'inherit', env: { ...process.env, HUB_BENCH_RAISED_NOFILE: '1' } },
  );
  process.exit(again.status ?? 1);
}

// ── cleanup ───────────────────────────────────────────────────────────────────────────────────

const cleanups: Array<() => Promise<void>> = [
  async () => rmSync(dirname(probeFile), { recursive: true, force: true }),
];
const cleanup = async () => {
  while (cleanups.length > 0)
    await cleanups.pop()!().catch((error: unknown) => console.error('cleanup failed:', error));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

// ── steps ─────────────────────────────────────────────────────────────────────────────────────

/** The platform under test, as real processes (the benchmark measures the hub's own process). */
function platformUp(): Promise<TestPlatform> {
  return startPlatform({
    processes: true,
    telemetryMaxBytes: settings.telemetryMaxBytes,
    replicas: { 'machine-hub': 1 },
    env: {
      identity: { PLATFORM_ADMIN_EMAIL: admin.email, PLATFORM_ADMIN_PASSWORD: admin.password },
      gateway: { RATE_LIMIT_MAX: '100000000', AUTH_RATE_LIMIT_MAX: '100000000' },
      'machine-hub': {
        HEARTBEAT_INTERVAL_S: String(settings.heartbeatS),
        ...settings.hubEnv,
        ...(settings.probe ? { HUB_PROBE_FILE: probeFile } : {}),
        NODE_OPTIONS: [
          settings.hubEnv.NODE_OPTIONS,
          settings.probe
            ? `--import=${fileURLToPath(new URL('./hub-probe.ts', import.meta.url))}`
            : undefined,
          settings.profileDir ? `--cpu-prof --cpu-prof-dir=${settings.profileDir}` : undefined,
        ]
          .filter(Boolean)
          .join(' '),
      },
    },
  });
}

interface Worker {
  child: ChildProcess;
  progress: WorkerProgress;
  next(type: FromWorker['type'], timeoutMs: number): Promise<FromWorker>;
  send(message: ToWorker): void;
}

function startWorker(index: number): Worker {
  const child = fork(fileURLToPath(new URL('./hub-worker.ts', import.meta.url)), [], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const waiting: {
    type: FromWorker['type'];
    resolve: (m: FromWorker) => void;
    reject: (e: Error) => void;
  }[] = [];
  const worker: Worker = {
    child,
    progress: { connected: 0, failedToConnect: 0, members: 0, linked: 0, errors: {} },
    next: (type, timeoutMs) =>
      new Promise((resolveNext, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`worker ${index}: no ${type} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiting.push({
          type,
          resolve: (m) => (clearTimeout(timer), resolveNext(m)),
          reject: (e) => (clearTimeout(timer), reject(e)),
        });
      }),
    send: (message) => child.send(message),
  };
  child.on('message', (message: FromWorker) => {
    if (message.type === 'progress' || message.type === 'ready') worker.progress = message.progress;
    if (message.type === 'failed') {
      for (const w of waiting.splice(0)) w.reject(new Error(`worker ${index} failed: ${message.message}`));
      return;
    }
    const i = waiting.findIndex((w) => w.type === message.type);
    if (i >= 0) waiting.splice(i, 1)[0]!.resolve(message);
  });
  child.once('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`worker ${index} exited (${code ?? signal})`));
  });
  cleanups.push(async () => {
    process.removeListener('exit', killOnExit);
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    if (child.connected) child.send({ type: 'stop' } satisfies ToWorker);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  });
  return worker;
}

/** The hub probe's per-second samples within [from, to]. */
function probeSamples(from: number, to: number): ProbeSample[] {
  try {
    return readFileSync(probeFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as ProbeSample)
      .filter((sample) => sample.t > from && sample.t <= to);
  } catch {
    return [];
  }
}

/**
 * Where the window lies in the hub's CPU profile (its clock is the monotonic one): from the probe's
 * samples, which carry both clocks. hub-profile.ts reads it.
 */
function writeProfileWindow(dir: string, from: number, to: number): void {
  const samples = probeSamples(0, Infinity);
  const nearest = (t: number) =>
    samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), samples[0]!);
  if (samples.length === 0) return;
  const toMono = (t: number) => {
    const s = nearest(t);
    return s.monoUs + (t - s.t) * 1000;
  };
  const window: ProfileWindow = { fromUs: toMono(from), toUs: toMono(to) };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'hub-window.json'), JSON.stringify(window));
  writeFileSync(join(dir, 'hub-probe.jsonl'), readFileSync(probeFile));
}

/** Splits `total` into `parts` nearly equal whole shares. */
const shares = (total: number, parts: number) =>
  Array.from(
    { length: parts },
    (_, i) => Math.floor((total * (i + 1)) / parts) - Math.floor((total * i) / parts),
  );

interface StreamState {
  messages: number;
  bytes: number;
  firstSeq: number;
  maxBytes: number;
  server: string;
}

/** The run's TELEMETRY stream: how full it is, and from which sequence it still holds frames. */
async function telemetryState(platform: TestPlatform): Promise<StreamState> {
  const jsm = await jetstreamManager(platform.nc);
  const { state, config } = await jsm.streams.info(platform.ns.stream('TELEMETRY'));
  const server = platform.nc.info?.version ?? '?';
  return {
    messages: state.messages,
    bytes: state.bytes,
    firstSeq: state.first_seq,
    maxBytes: config.max_bytes,
    server,
  };
}

/**
 * A full stream evicts its oldest frame for every frame stored, and nats-server before 2.10 pays
 * for each eviction a scan over the frames of every other machine stored since (per-subject
 * state): a NATS cost that grows with the machines streaming, not the hub's (docs/benchmarks-hub.md).
 */
function printTelemetryStream(start: StreamState, end: StreamState): void {
  const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;
  const evicted = end.firstSeq - start.firstSeq;
  console.log(
    `TELEMETRY stream           ${int(end.messages)} frames, ${mib(end.bytes)} of its ${mib(end.maxBytes)} limit at the end; ` +
      `${int(evicted)} evicted in the window (nats-server ${end.server})` +
      (evicted > 0
        ? '  ⚠ full: every frame stored evicts the oldest, a NATS cost the record did not pay'
        : ''),
  );
}

async function run(): Promise<boolean> {
  const runStarted = Date.now();
  console.log('Machine-hub benchmark (DESIGN.md §10)');
  console.log(
    `machine: ${describeMachine()}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  const fds = openFileLimits();
  console.log(`open-file limit: ${fds.soft} (hard ${fds.hard}), inherited by every process started here`);
  console.log(
    `plan: ${int(settings.machines)} machine sockets on one hub, ${int(settings.linked)} linked at ${settings.telemetryHz} Hz, ` +
      `heartbeats every ${settings.heartbeatS} s, idle QR codes ${settings.idleQr ? 'on' : 'off'}, ` +
      `set.completed ${settings.setEveryS ? `every ~${settings.setEveryS} s` : 'off'}; ${settings.workers} load workers; ` +
      `warm-up ${settings.warmupS} s, window ${settings.durationS} s`,
  );
  if (Object.keys(settings.hubEnv).length)
    console.log(`extra hub environment: ${JSON.stringify(settings.hubEnv)}`);
  if (settings.profileDir)
    console.log(`the hub writes a CPU profile to ${settings.profileDir} (figures not comparable)`);

  let step = Date.now();
  const platform = await platformUp();
  cleanups.push(() => platform.stop());
  const hubPid = platform.services['machine-hub']![0]!.pid!;
  console.log(`backends: ${platform.backends.describe()}`);
  if (settings.hubNice !== undefined) {
    setPriority(hubPid, settings.hubNice);
    console.log(`hub event-loop thread reniced to ${getPriority(hubPid)} (a variant, not the default)`);
  }
  console.log(
    `platform up in ${elapsed(step)}: gateway ${platform.gatewayUrl}, hub ${platform.hubUrls[0]} (pid ${hubPid})`,
  );

  step = Date.now();
  const token = await login(platform.gatewayUrl, admin);
  const branch = await callApi<{ id: string }>(platform.gatewayUrl, 'POST', '/v1/branches', {
    token,
    body: { name: `Hub bench ${new Date().toISOString()}`, address: '1 Benchmark Road' },
  });
  // The run's streams (its ~120,000 telemetry events among them) are the platform's namespace's:
  // deleted with it when the platform stops.
  let lastShown = 0;
  const machines = await createMachines(platform.gatewayUrl, token, branch.id, settings.machines, {
    concurrency: settings.provisionConcurrency,
    onProgress: (done) => {
      if (done - lastShown >= 2500 || done === settings.machines) {
        lastShown = done;
        console.log(`  provisioned ${int(done)} machines (${elapsed(step)})`);
      }
    },
  });
  console.log(
    `${int(machines.length)} machines created through POST /v1/branches/{id}/machines in ${elapsed(step)}`,
  );

  step = Date.now();
  const machineShares = shares(settings.machines, settings.workers);
  const linkedShares = shares(settings.linked, settings.workers);
  const workers: Worker[] = [];
  let offset = 0;
  for (let i = 0; i < settings.workers; i++) {
    const worker = startWorker(i);
    workers.push(worker);
    worker.send({
      type: 'setup',
      setup: {
        workerIndex: i,
        gatewayUrl: platform.gatewayUrl,
        hubUrl: platform.hubUrls[0]!,
        machines: machines
          .slice(offset, offset + machineShares[i]!)
          .map(({ machineId, secret }) => ({ machineId, secret })),
        linked: Math.min(linkedShares[i]!, machineShares[i]!),
        telemetryHz: settings.telemetryHz,
        setEveryS: settings.setEveryS,
        idleQr: settings.idleQr,
        connectConcurrency: settings.connectConcurrency,
      },
    });
    offset += machineShares[i]!;
  }
  const total = (pick: (p: WorkerProgress) => number) =>
    workers.reduce((sum, w) => sum + pick(w.progress), 0);
  const ticker = setInterval(() => {
    const mem = memoryOf(hubPid);
    console.log(
      `  ${elapsed(step)}: connected ${int(total((p) => p.connected))}/${int(settings.machines)}, ` +
        `members ${int(total((p) => p.members))}/${int(settings.linked)}, linked ${int(total((p) => p.linked))}/${int(settings.linked)}` +
        (mem ? `, hub RSS ${Math.round(mem.rss / 2 ** 20)} MiB` : ''),
    );
  }, 5000);
  let readies: FromWorker[];
  try {
    readies = await Promise.all(workers.map((w) => w.next('ready', settings.readyTimeoutS * 1000)));
  } finally {
    clearInterval(ticker);
  }
  // The hub's half of the way, for a sample of members: frame timestamp → live message on NATS.
  const natsLatencies: number[] = [];
  let sampling = false;
  const sampleIds = readies.flatMap((m) => (m.type === 'ready' ? m.sampleUserIds : []));
  for (const userId of sampleIds) {
    platform.nc.subscribe(liveSubjects.user(userId), {
      callback: (error, msg) => {
        if (error || !sampling) return;
        const receivedAt = Date.now();
        const message = msg.json<{ type: string; data: { at?: string } }>();
        if (message.type === 'telemetry' && message.data.at)
          natsLatencies.push(receivedAt - Date.parse(message.data.at));
      },
    });
  }
  const connectedAtStart = total((p) => p.connected);
  console.log(
    `load ready in ${elapsed(step)}: ${int(connectedAtStart)} machines connected ` +
      `(${int(total((p) => p.failedToConnect))} not), ${int(total((p) => p.linked))} linked and streaming`,
  );

  console.log(`warm-up ${settings.warmupS} s…`);
  await sleep(settings.warmupS * 1000);
  const groups: ProcessGroups = {
    hub: () => [hubPid],
    gateway: () => platform.services.gateway!.map((s) => s.pid!).filter(Boolean),
    identity: () => platform.services.identity!.map((s) => s.pid!).filter(Boolean),
    'load workers': () => workers.map((w) => w.child.pid!).filter(Boolean),
    'nats-server': natsPidsOf(platform.backends.natsUrl),
    ...(platform.backends.databaseUrl ? { postgres: () => pidsNamed('postgres') } : {}),
    ...(platform.backends.redisUrl ? { redis: () => pidsNamed('redis-server') } : {}),
  };
  const cpuMeter = startCpuMeter(groups);
  const schedMeter = startSchedMeter(hubPid);
  const machineMeter = startMachineMeter();
  const sample: HubSample = { rssMax: 0, rssEnd: 0, rssPeakSinceStart: 0 };
  const sampleMemory = () => {
    const mem = memoryOf(hubPid);
    if (!mem) return;
    sample.rssMax = Math.max(sample.rssMax, mem.rss);
    sample.rssEnd = mem.rss;
    sample.rssPeakSinceStart = mem.peak;
  };
  sampleMemory();
  const sampler = setInterval(sampleMemory, 1000);
  const telemetryAtStart = await telemetryState(platform);
  const windowStart = Date.now();
  for (const w of workers) w.send({ type: 'measure' });
  sampling = true;
  console.log(`measuring ${settings.durationS} s…`);
  await sleep(settings.durationS * 1000);
  const reportsComing = workers.map((w) => w.next('report', 60_000));
  for (const w of workers) w.send({ type: 'report', graceMs: 5000 });
  sampling = false;
  const windowEnd = Date.now();
  const cpu = cpuMeter();
  const hubSched = schedMeter();
  const machineBusyPct = machineMeter();
  clearInterval(sampler);
  sampleMemory();
  const telemetryAtEnd = await telemetryState(platform);
  const reports = (await Promise.all(reportsComing)).map((m) => (m as { report: WorkerReport }).report);

  const met = printFigures({
    machines: settings.machines,
    linkedWanted: settings.linked,
    durationS: settings.durationS,
    telemetryHz: settings.telemetryHz,
    connectedAtStart,
    reports,
    hub: sample,
    cpu,
    machineBusyPct,
    natsLatencies,
    natsSampleMembers: sampleIds.length,
    hubSched,
    probe: settings.probe ? probeSamples(windowStart, windowEnd + 1000) : undefined,
  });
  printTelemetryStream(telemetryAtStart, telemetryAtEnd);
  if (settings.profileDir && settings.probe) writeProfileWindow(settings.profileDir, windowStart, windowEnd);
  if (settings.showHubLog)
    console.log(
      `\n── the hub's output (its last 20,000 characters) ──\n${platform.services['machine-hub']![0]!.logs()}`,
    );
  console.log(`\nwhole run ${elapsed(runStarted)} (before shutdown)`);
  if (settings.profileDir)
    console.log(
      `hub CPU profile (written at shutdown): node tools/bench/hub-profile.ts ${settings.profileDir}  (the window only)`,
    );
  return met;
}

let exitCode = 0;
try {
  await run();
} catch (error) {
  console.error('\nbenchmark failed:', error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
