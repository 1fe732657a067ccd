/**
 * Gateway benchmark (DESIGN.md §10). In one run on this machine it measures, with autocannon:
 *
 *   bare   bare Fastify hello-world                                   (hello-server.ts)
 *   floor  the transport floor: a bare Fastify route making one NATS   (floor-server.ts → floor-responder.ts)
 *          request to a plain subscriber that answers at once, on the platform's NATS server
 *   me     authenticated GET /v1/me through the whole path             (gateway → NATS → identity → its database)
 *   id     its back half: a bare Fastify route sending identity a real envelope (no gateway)
 *   gw     its front half: the gateway, identity replaced by a responder replaying a real reply at once
 *
 * Every server runs as its own process (gateway and identity as startPlatform starts them), never
 * in the load generator's event loop. Per target: a warm-up, a max-throughput run (→ req/s), then a
 * run at a fixed overall rate (→ p50/p99 of the per-response latencies). It prints the figures,
 * the ratios to the floor and to bare Fastify, and whether the §10 targets are met. A missed target
 * does not fail the process; a run with errors, timeouts, unexpected bodies or non-2xx answers does
 * (exit 1), as does a failure to start.
 *
 *   NATS_URL=nats://127.0.0.1:4222 DATABASE_URL=postgres://… REDIS_URL=redis://… pnpm bench:gateway
 *
 * Backends: NATS_URL / DATABASE_URL / REDIS_URL when set, else what @nxg/testing falls back to
 * (NATS on 127.0.0.1:4222 or one from PATH, embedded PGlite, in-process cache).
 *
 * Note on the fixed rate: autocannon splits `overallRate` over the connections and each connection
 * sends its share for the second back to back at the start of every second, so the arrivals come
 * in bursts of up to BENCH_RATE_CONNECTIONS concurrent requests; the latencies grow with that number
 * (docs/benchmarks.md shows how much). tools/bench/k6/gateway-me.js drives a true constant arrival rate.
 *
 * Knobs (environment):
 *   BENCH_WARMUP_S (3), BENCH_DURATION_S (10), BENCH_CONNECTIONS (50: warm-up and max throughput),
 *   BENCH_RATE (1000 req/s), BENCH_RATE_CONNECTIONS (10), BENCH_ONLY (bare,floor,me,id,gw),
 *   BENCH_GATEWAY_ENV / BENCH_IDENTITY_ENV: JSON of extra variables for that service, to measure a
 *     variant (e.g. '{"REDIS_URL":""}': the gateway's rate limit in process instead of in Redis),
 *   BENCH_CPU_PROF_DIR: every server process writes a V8 .cpuprofile there (node --cpu-prof; read
 *     them with tools/bench/profile-summary.ts); the figures of such a run are not comparable.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { connect } from '@nats-io/transport-node';
import { identity } from '@nxg/contracts';
import { apiClient, registerMember, resolveBackends, startPlatform, type Backends } from '@nxg/testing';
import { startChild, type BenchChild } from './child.ts';
import { fixedRateRun, int, intEnv, load, ms1, percentile, problemsOf, sleep } from './load-run.ts';
import {
  foreignServices,
  machineBusy,
  pidsNamed,
  startCpuMeter,
  type CpuUse,
  type ProcessGroups,
} from './cpu.ts';

const settings = {
  warmupS: intEnv('BENCH_WARMUP_S', 3),
  durationS: intEnv('BENCH_DURATION_S', 10),
  connections: intEnv('BENCH_CONNECTIONS', 50),
  rate: intEnv('BENCH_RATE', 1000),
  rateConnections: intEnv('BENCH_RATE_CONNECTIONS', 10),
  only: new Set((process.env.BENCH_ONLY || 'bare,floor,me,id,gw').split(',').map((s) => s.trim())),
  profileDir: process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined,
  gatewayEnv: JSON.parse(process.env.BENCH_GATEWAY_ENV || '{}') as Record<string, string>,
  identityEnv: JSON.parse(process.env.BENCH_IDENTITY_ENV || '{}') as Record<string, string>,
};
const nodeOptions = settings.profileDir ? `--cpu-prof --cpu-prof-dir=${settings.profileDir}` : undefined;

/** DESIGN.md §10. */
const TARGET_FLOOR_RATIO = 0.6;
const TARGET_P99_MS = 25;
/** CPU (% of one core) used by processes outside the target above which its figures are flagged. */
const NOISY_OTHERS = 25;

interface Target {
  key: 'bare' | 'floor' | 'me' | 'id' | 'gw';
  name: string;
  url: string;
  headers?: Record<string, string>;
  expectBody?: string;
  verifyBody?: (body: string) => boolean;
  /** Processes whose CPU use is reported for the max-throughput run. */
  processes: ProcessGroups;
  /** This target's own service processes (to tell them from another run's). */
  ownPids?: number[];
}

interface Measurement {
  target: Target;
  /** Mean req/s of the max-throughput run. */
  reqPerS: number;
  /** The fixed-rate run. */
  fixed: {
    achieved: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    rawP50: number;
    rawP99: number;
    /** CPU (% of one core) others used during it. */
    others: number | undefined;
  };
  /** CPU during the max-throughput run. */
  cpu: CpuUse;
  problems: string[];
}

async function measure(target: Target): Promise<Measurement> {
  const { warmupS, durationS, connections, rate, rateConnections } = settings;
  console.log(`\n▶ ${target.name}  (${target.url})`);
  const problems: string[] = [];
  // Let start-up work (ours: migrations, sign-up's password hash, JIT) settle, up to 5 s.
  let idle = await machineBusy(1000);
  for (let i = 0; i < 4 && idle !== undefined && idle > 15; i++) idle = await machineBusy(1000);
  const foreign = foreignServices(new Set(target.ownPids ?? []));
  if (idle !== undefined)
    console.log(
      `  before loading: machine ${Math.round(idle)}% busy${idle > 15 ? '  ⚠ something else is using the CPU: figures will be low and noisy' : ''}`,
    );
  if (foreign.length > 0) {
    console.log(
      `  ⚠ other service processes run on this machine (another session's tests?); on the same NATS server they share queue groups:`,
    );
    for (const line of foreign.slice(0, 8)) console.log(`      ${line}`);
  }

  const warm = await load(target, { connections, duration: warmupS });
  problems.push(...problemsOf('warm-up', warm));
  console.log(`  warm-up        ${warmupS} s × ${connections} conn: ${int(warm.requests.average)} req/s`);

  const meter = startCpuMeter(target.processes);
  const max = await load(target, { connections, duration: durationS });
  const cpu = meter();
  problems.push(...problemsOf('max throughput', max));
  console.log(
    `  max throughput ${durationS} s × ${connections} conn: ${int(max.requests.average)} req/s ` +
      `(${int(max.requests.total)} requests, latency p50 ${max.latency.p50} ms, p99 ${max.latency.p99} ms, ` +
      `errors ${max.errors}, non-2xx ${max.non2xx})`,
  );
  const { processes, machine, others } = cpu;
  console.log(
    `  CPU during it (% of one core): ${Object.entries(processes)
      .map(([name, share]) => `${name} ${Math.round(share)}`)
      .join(', ')}` +
      (machine
        ? `; machine ${Math.round(machine.busy)}% busy (softirq ${Math.round(machine.softirq)}%), ` +
          `unexplained ${Math.round(others ?? 0)}`
        : ''),
  );
  if ((others ?? 0) > NOISY_OTHERS) {
    console.log(`  ⚠ other processes used ~${Math.round(others!)}% of a core meanwhile: this figure is low`);
  }

  await sleep(1000);
  const {
    result: fixed,
    sorted,
    achieved,
    others: fixedOthers,
  } = await fixedRateRun(target, { rate, connections: rateConnections, durationS });
  problems.push(...problemsOf('fixed rate', fixed));
  console.log(
    `  fixed rate     ${durationS} s at ${int(rate)} req/s over ${rateConnections} conn: achieved ${int(achieved)} req/s, ` +
      `p50 ${fixed.latency.p50} ms, p90 ${fixed.latency.p90} ms, p99 ${fixed.latency.p99} ms, max ${fixed.latency.max} ms ` +
      `(raw per-response p50 ${ms1(percentile(sorted, 50))}, p99 ${ms1(percentile(sorted, 99))}; errors ${fixed.errors}, non-2xx ${fixed.non2xx})`,
  );
  if ((fixedOthers ?? 0) > NOISY_OTHERS) {
    console.log(
      `  ⚠ other processes used ~${Math.round(fixedOthers!)}% of a core meanwhile: these latencies are high`,
    );
  }
  if (achieved < rate * 0.95)
    console.log(
      `  ⚠ the fixed-rate run did not sustain ${int(rate)} req/s: its latencies understate the load`,
    );
  for (const problem of problems) console.log(`  ✗ ${problem}`);
  if (['me', 'id', 'gw'].includes(target.key) && problems.some((p) => p.includes('404'))) {
    console.log(
      `  hint: 404 USER_NOT_FOUND means another identity (e.g. another test run's) on this NATS server answered in the ` +
        `"identity" queue group; run when nothing else uses it, or point NATS_URL at a NATS server of the benchmark's own`,
    );
  }

  return {
    target,
    reqPerS: max.requests.average,
    fixed: {
      achieved,
      p50: fixed.latency.p50,
      p90: fixed.latency.p90,
      p99: fixed.latency.p99,
      max: fixed.latency.max,
      rawP50: percentile(sorted, 50),
      rawP99: percentile(sorted, 99),
      others: fixedOthers,
    },
    cpu,
    problems,
  };
}

async function expectOk(url: string, headers: Record<string, string> = {}): Promise<string> {
  const response = await fetch(url, { headers });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

/**
 * startPlatform refuses a NATS where another identity already answers (its queue group would take
 * part of our requests); find that out before spending a minute on the other targets.
 */
async function assertNatsFree(natsUrl: string): Promise<void> {
  const nc = await connect({ servers: natsUrl.split(','), name: 'bench-probe' });
  try {
    const probe = JSON.stringify({ ctx: { requestId: 'bench-probe', roles: [], branchRoles: {} }, body: {} });
    const answered = await nc.request(identity.jwks.subject, probe, { timeout: 500 }).then(
      () => true,
      () => false,
    );
    if (answered) {
      throw new Error(
        `another identity service answers on ${natsUrl} (pnpm start, or another test run?): ` +
          "stop it, or point NATS_URL at a NATS server of the benchmark's own",
      );
    }
  } finally {
    await nc.close();
  }
}

function cpuModel(): string {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------

const cleanups: Array<() => Promise<void>> = [];
const cleanup = async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()!().catch((error: unknown) => console.error('cleanup failed:', error));
  }
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}

const startChildren = async (
  ...specs: Array<[string, string, Record<string, string>]>
): Promise<BenchChild[]> => {
  const children: BenchChild[] = [];
  for (const [name, script, env] of specs) {
    const child = await startChild(name, script, env, nodeOptions ? { nodeOptions } : {});
    children.push(child);
    cleanups.push(() => child.stop());
  }
  return children;
};

const stopLast = async (count: number) => {
  for (let i = 0; i < count; i++) await cleanups.pop()?.();
};

async function benchBare(): Promise<Measurement> {
  const [hello] = await startChildren(['hello-world', './hello-server.ts', {}]);
  const url = `http://127.0.0.1:${hello!.port}/`;
  await expectOk(url);
  const result = await measure({
    key: 'bare',
    name: 'bare Fastify hello-world',
    url,
    expectBody: '{"hello":"world"}',
    processes: { 'hello-world': () => [hello!.pid] },
  });
  await stopLast(1);
  return result;
}

async function benchFloor(backends: Backends): Promise<Measurement> {
  const env = { NATS_URL: backends.natsUrl, BENCH_SUBJECT: `bench.floor.${randomBytes(6).toString('hex')}` };
  const [responder, server] = await startChildren(
    ['floor responder', './floor-responder.ts', env],
    ['floor route', './floor-server.ts', env],
  );
  const url = `http://127.0.0.1:${server!.port}/floor`;
  await expectOk(url);
  const result = await measure({
    key: 'floor',
    name: 'transport floor (Fastify → NATS → responder)',
    url,
    expectBody: '{"hello":"world"}',
    processes: {
      'floor route': () => [server!.pid],
      responder: () => [responder!.pid],
      'nats-server': () => pidsNamed('nats-server'),
    },
  });
  await stopLast(2);
  return result;
}

/**
 * The whole path (me), then its two halves: a bare Fastify route sending identity a real envelope
 * (id: no gateway), and the gateway with identity replaced by a responder that answers at once
 * with a real /v1/me reply (gw: no identity, no database; identity is stopped for it, so it runs last).
 */
async function benchPlatform(): Promise<Measurement[]> {
  const platform = await startPlatform({
    processes: true,
    env: {
      // One member hammers the API: lift the per-client limit (600/min) so no 429 is measured.
      gateway: { RATE_LIMIT_MAX: '100000000', ...settings.gatewayEnv },
      identity: settings.identityEnv,
      ...(nodeOptions ? { all: { NODE_OPTIONS: nodeOptions } } : {}),
    },
  });
  cleanups.push(() => platform.stop());
  const pidsOf = (services: Array<{ pid: number | undefined }>) =>
    services.map((s) => s.pid).filter((pid): pid is number => pid !== undefined);
  const member = await registerMember(apiClient(platform.gatewayUrl));
  const userId = member.user.id;
  const headers = { authorization: `Bearer ${member.accessToken}` };
  const url = `${platform.gatewayUrl}/v1/me`;
  const body = await expectOk(url, headers);
  if (!body.includes(userId)) throw new Error(`GET /v1/me did not return the member: ${body.slice(0, 300)}`);
  const verifyBody = (text: string) => text.includes(userId);
  const backendProcesses: ProcessGroups = {
    'nats-server': () => pidsNamed('nats-server'),
    'postgres (all)': () => (platform.backends.databaseUrl ? pidsNamed('postgres') : []),
    'redis-server': () => (platform.backends.redisUrl ? pidsNamed('redis-server') : []),
  };
  const results: Measurement[] = [];

  if (settings.only.has('me')) {
    results.push(
      await measure({
        key: 'me',
        name: 'GET /v1/me (gateway → NATS → identity → database)',
        url,
        headers,
        verifyBody,
        ownPids: pidsOf([...platform.services.gateway!, ...platform.services.identity!]),
        processes: {
          gateway: () => pidsOf(platform.services.gateway!),
          identity: () => pidsOf(platform.services.identity!),
          ...backendProcesses,
        },
      }),
    );
  }

  if (settings.only.has('id')) {
    const claims = JSON.parse(Buffer.from(member.accessToken.split('.')[1]!, 'base64url').toString()) as {
      jti: string;
      sid: string;
      exp: number;
    };
    const envelope = {
      ctx: {
        requestId: 'bench-identity-only',
        userId,
        roles: ['member'],
        branchRoles: {},
        ip: '127.0.0.1',
        token: { id: claims.jti, sessionId: claims.sid, expiresAt: claims.exp },
      },
      body: {},
    };
    const [route] = await startChildren([
      'identity route',
      './floor-server.ts',
      {
        NATS_URL: platform.backends.natsUrl,
        BENCH_SUBJECT: platform.ns.subject(identity.getMe.subject),
        BENCH_REQUEST: JSON.stringify(envelope),
        // Signed as the gateway signs, or identity refuses it (401 UNTRUSTED_CALLER).
        SERVICE_KEY: platform.serviceKey,
        BENCH_SIGN_SUBJECT: identity.getMe.subject,
      },
    ]);
    const routeUrl = `http://127.0.0.1:${route!.port}/floor`;
    await expectOk(routeUrl);
    results.push(
      await measure({
        key: 'id',
        name: 'Fastify route → NATS → identity → database (no gateway)',
        url: routeUrl,
        verifyBody,
        ownPids: pidsOf([...platform.services.gateway!, ...platform.services.identity!]),
        processes: {
          'bare route': () => [route!.pid],
          identity: () => pidsOf(platform.services.identity!),
          ...backendProcesses,
        },
      }),
    );
    await stopLast(1);
  }

  if (settings.only.has('gw')) {
    // Identity leaves the "identity" queue group; a responder replaying its real reply takes its place.
    for (const service of platform.services.identity!) await service.stop();
    const [responder] = await startChildren([
      'identity stand-in',
      './floor-responder.ts',
      {
        NATS_URL: platform.backends.natsUrl,
        BENCH_SUBJECT: platform.ns.subject(identity.getMe.subject),
        BENCH_QUEUE: identity.getMe.service,
        BENCH_REPLY: JSON.stringify({ ok: true, data: JSON.parse(body) as unknown }),
        // Signed as identity signs its replies: the gateway takes no other.
        SERVICE_KEY: platform.serviceKey,
        BENCH_SIGN_AS: identity.getMe.service,
        BENCH_SIGN_SUBJECT: identity.getMe.subject,
      },
    ]);
    await expectOk(url, headers);
    results.push(
      await measure({
        key: 'gw',
        name: 'gateway → NATS → instant responder (no identity, no database)',
        url,
        headers,
        verifyBody,
        ownPids: pidsOf(platform.services.gateway!),
        processes: {
          gateway: () => pidsOf(platform.services.gateway!),
          responder: () => [responder!.pid],
          ...backendProcesses,
        },
      }),
    );
    await stopLast(1);
  }

  await stopLast(1);
  return results;
}

const LABELS: Record<Target['key'], string> = {
  bare: 'bare Fastify hello-world',
  floor: 'transport floor',
  me: 'GET /v1/me (full path)',
  id: '  part: route → identity → db',
  gw: '  part: gateway → instant reply',
};

/** Others' CPU during a row's two runs (max throughput / fixed rate), ⚠ when either is high. */
const otherCpu = (r: Measurement): string => {
  const shares = [r.cpu.others, r.fixed.others];
  if (shares.some((share) => share === undefined)) return '?';
  const flag = shares.some((share) => share! > NOISY_OTHERS) ? ' ⚠' : '';
  return `${shares.map((share) => Math.round(share!)).join(' / ')}%${flag}`;
};

function report(results: Measurement[]): void {
  const byKey = new Map(results.map((r) => [r.target.key, r]));
  const floor = byKey.get('floor');
  const bare = byKey.get('bare');
  const ratio = (r: Measurement, base: Measurement | undefined) =>
    base ? `${(r.reqPerS / base.reqPerS).toFixed(2)}×` : '—';
  const rate = int(settings.rate);
  const rows = [
    [
      'target',
      'req/s',
      '×floor',
      '×bare',
      `p50 @${rate}/s`,
      `p99 @${rate}/s`,
      'autocannon p50/p99',
      'other CPU',
    ],
    ...results.map((r) => [
      LABELS[r.target.key],
      int(r.reqPerS),
      ratio(r, floor),
      ratio(r, bare),
      ms1(r.fixed.rawP50),
      ms1(r.fixed.rawP99),
      `${r.fixed.p50} / ${r.fixed.p99} ms`,
      otherCpu(r),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  console.log('\n══ Results ══');
  for (const [i, row] of rows.entries()) {
    console.log(
      row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '),
    );
    if (i === 0) console.log(widths.map((w) => '─'.repeat(w)).join('  '));
  }
  console.log(
    `req/s: mean of the ${settings.durationS} s max-throughput run (${settings.connections} connections). p50/p99: per-response latency ` +
      `percentiles of the fixed-rate run. autocannon p50/p99: its own histogram of that run (whole ms, with its ` +
      `coordinated-omission adjustment), for reference. other CPU: CPU (% of one core) that no process of the ` +
      `target explains during the max-throughput / fixed-rate run: others sharing the machine (⚠ above ${NOISY_OTHERS}%: ` +
      `that row's req/s is low or its latencies high).`,
  );

  const me = byKey.get('me');
  if (!me) return;
  // A row measured while others took the CPU is low: say so next to the verdict it feeds.
  const noisy = (run: 'max' | 'fixed', ...rows: Array<Measurement | undefined>) => {
    const worst = Math.max(...rows.map((r) => (run === 'max' ? r?.cpu.others : r?.fixed.others) ?? 0));
    return worst > NOISY_OTHERS
      ? `  ⚠ others used ~${Math.round(worst)}% of a core meanwhile: rerun on a quiet machine`
      : '';
  };
  console.log('\nDESIGN.md §10 targets (GET /v1/me):');
  if (floor) {
    const r = me.reqPerS / floor.reqPerS;
    console.log(
      `  throughput ≥ ${TARGET_FLOOR_RATIO} × floor:   ${r.toFixed(2)} × floor → ` +
        `${r >= TARGET_FLOOR_RATIO ? 'MET' : 'MISSED'}${noisy('max', me, floor)}`,
    );
  } else {
    console.log(`  throughput ≥ ${TARGET_FLOOR_RATIO} × floor:   not measured (floor skipped)`);
  }
  const sustained = me.fixed.achieved >= settings.rate * 0.95;
  const p99ok = me.fixed.rawP99 < TARGET_P99_MS && sustained;
  console.log(
    `  p99 < ${TARGET_P99_MS} ms at ${rate} req/s:  ${ms1(me.fixed.rawP99)} (autocannon's ${me.fixed.p99} ms; ` +
      `achieved ${int(me.fixed.achieved)} req/s${sustained ? '' : ', rate not sustained'}) → ` +
      `${p99ok ? 'MET' : 'MISSED'}${noisy('fixed', me)}`,
  );
}

// ---------------------------------------------------------------------------------------------

let exitCode = 0;
try {
  const backends = await resolveBackends();
  console.log('Gateway benchmark (DESIGN.md §10)');
  console.log(
    `machine: ${cpuModel()}, ${availableParallelism()} cores, ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load average ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
  );
  console.log(`backends: ${backends.describe()}`);
  for (const [name, env] of Object.entries({
    gateway: settings.gatewayEnv,
    identity: settings.identityEnv,
  })) {
    if (Object.keys(env).length > 0)
      console.log(
        `extra ${name} environment: ${JSON.stringify(env)} (a variant, not the default configuration)`,
      );
  }
  console.log(
    `method: warm-up ${settings.warmupS} s, max throughput ${settings.durationS} s × ${settings.connections} connections, ` +
      `then ${settings.durationS} s at ${int(settings.rate)} req/s over ${settings.rateConnections} connections; pipelining 1; load to 127.0.0.1 only`,
  );
  if (settings.profileDir)
    console.log(`CPU profiles of the server processes go to ${settings.profileDir} (figures not comparable)`);

  if (['me', 'id', 'gw'].some((key) => settings.only.has(key))) await assertNatsFree(backends.natsUrl);

  const results: Measurement[] = [];
  if (settings.only.has('bare')) results.push(await benchBare());
  if (settings.only.has('floor')) results.push(await benchFloor(backends));
  if (['me', 'id', 'gw'].some((key) => settings.only.has(key))) results.push(...(await benchPlatform()));

  report(results);
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.target.name}: ${p}`));
  if (problems.length > 0) {
    console.error(
      `\nFAILED: ${problems.length} run(s) had errors or non-2xx answers; their figures are not valid:`,
    );
    for (const problem of problems) console.error(`  ${problem}`);
    exitCode = 1;
  }
} catch (error) {
  console.error('\nbenchmark failed:', error);
  exitCode = 1;
} finally {
  await cleanup();
}
process.exit(exitCode);
