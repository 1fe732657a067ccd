/**
 * Nutrition benchmark (DESIGN.md §10: every new write route is held to an acknowledged write
 * ≥ 0.3 × the transport floor, p99 < 50 ms at a fixed 500 req/s). In one run it measures:
 *
 *   floor  the transport floor: a bare Fastify route making one NATS request to a plain
 *          subscriber that answers at once (floor-server.ts → floor-responder.ts)
 *   meal   POST /v1/nutrition/meals through the whole path: gateway → NATS → nutrition (reference
 *          food lookup, macros) → SQL + outbox, and the relay → JetStream (every stored meal's
 *          event is checked on the stream afterwards: none missing, none doubled)
 *
 * Servers run as their own processes (gateway, identity, nutrition as startPlatform starts them).
 * Per target: a warm-up, a max-throughput run (→ req/s, CPU per process), then a run at a fixed
 * rate (→ p50/p99). A missed target does not fail the process; errors, non-2xx answers,
 * unexpected bodies, or a stored meal whose event is missing or doubled do (exit 1).
 *
 *   NATS_URL=… DATABASE_URL=… REDIS_URL=… pnpm bench:nutrition
 *
 * Knobs: BENCH_WARMUP_S (3), BENCH_DURATION_S (10), BENCH_CONNECTIONS (50), BENCH_RATE (500),
 * BENCH_RATE_CONNECTIONS (10), BENCH_ONLY (floor,meal), BENCH_NUTRITION_ENV (JSON of extra variables
 * for the nutrition process, to measure a variant), BENCH_CPU_PROF_DIR (the nutrition process writes
 * a V8 .cpuprofile there: node --cpu-prof; read it with tools/bench/profile-summary.ts; the figures
 * of such a run are not comparable).
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { namespaceOf } from '@nxg/platform';
import { apiClient, registerMember, resolveBackends, startPlatform, waitFor } from '@nxg/testing';
import { startChild, type BenchChild } from './child.ts';
import { cpuLine, machineBusy, startCpuMeter, type CpuUse, type ProcessGroups } from './cpu.ts';
import {
  fixedRateRun,
  int,
  intEnv,
  load,
  ms1,
  natsPidsOf,
  percentile,
  postgresPidsOf,
  printTable,
  problemsOf,
  sleep,
  type LoadTarget,
} from './load-run.ts';
import { openServiceDatabase } from './service-database.ts';

const settings = {
  warmupS: intEnv('BENCH_WARMUP_S', 3),
  durationS: intEnv('BENCH_DURATION_S', 10),
  connections: intEnv('BENCH_CONNECTIONS', 50),
  rate: intEnv('BENCH_RATE', 500),
  rateConnections: intEnv('BENCH_RATE_CONNECTIONS', 10),
  only: new Set((process.env.BENCH_ONLY || 'floor,meal').split(',').map((s) => s.trim())),
  profileDir: process.env.BENCH_CPU_PROF_DIR,
  nutritionEnv: JSON.parse(process.env.BENCH_NUTRITION_ENV || '{}') as Record<string, string>,
};

/** DESIGN.md §10. */
const TARGET_FLOOR_RATIO = 0.3;
const TARGET_P99_MS = 50;

interface Measurement {
  key: 'floor' | 'meal';
  name: string;
  perS: number;
  p50: number;
  p99: number;
  achieved: number;
  cpu: CpuUse;
  requests: number;
  problems: string[];
}

const cleanups: Array<() => Promise<void>> = [];
const cleanup = async () => {
  while (cleanups.length > 0)
    await cleanups.pop()!().catch((error: unknown) => console.error('cleanup failed:', error));
};
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));

const startChildren = async (...specs: Array<[string, string, Record<string, string>]>) => {
  const children: BenchChild[] = [];
  for (const [name, script, env] of specs) {
    const child = await startChild(name, script, env);
    children.push(child);
    cleanups.push(() => child.stop());
  }
  return children;
};

async function measure(
  key: Measurement['key'],
  name: string,
  target: LoadTarget & { processes: ProcessGroups },
): Promise<Measurement> {
  const { warmupS, durationS, connections, rate, rateConnections } = settings;
  console.log(`\n▶ ${name}  (${target.method ?? 'GET'} ${target.url})`);
  const busy = await machineBusy(1000);
  if (busy !== undefined) console.log(`  before loading: machine ${Math.round(busy)}% busy`);
  const problems: string[] = [];
  const warm = await load(target, { connections, duration: warmupS });
  problems.push(...problemsOf('warm-up', warm));
  const meter = startCpuMeter(target.processes);
  const max = await load(target, { connections, duration: durationS });
  const cpu = meter();
  problems.push(...problemsOf('max throughput', max));
  const perS = max.requests.average;
  console.log(
    `  max throughput ${durationS} s × ${connections} conn: ${int(perS)} req/s (p50 ${max.latency.p50} ms, p99 ${max.latency.p99} ms)`,
  );
  console.log(cpuLine(cpu, perS));
  await sleep(1000);
  const fixedMeter = startCpuMeter(target.processes);
  const fixed = await fixedRateRun(target, { rate, connections: rateConnections, durationS });
  const fixedCpu = fixedMeter();
  problems.push(...problemsOf('fixed rate', fixed.result));
  const p50 = percentile(fixed.sorted, 50);
  const p99 = percentile(fixed.sorted, 99);
  console.log(
    `  fixed rate     ${durationS} s at ${int(rate)} req/s: achieved ${int(fixed.achieved)} req/s, p50 ${ms1(p50)}, p99 ${ms1(p99)}`,
  );
  // At the same rate, variants write batches of the same size: their CPU per request compares
  // better on a busy machine than at saturation, where the batch size follows the neighbours.
  console.log(cpuLine(fixedCpu, fixed.achieved));
  for (const problem of problems) console.log(`  ✗ ${problem}`);
  return {
    key,
    name,
    perS,
    p50,
    p99,
    achieved: fixed.achieved,
    cpu,
    requests: warm.requests.total + max.requests.total + fixed.result.requests.total,
    problems,
  };
}

async function expectStatus(url: string, init: RequestInit, status: number): Promise<string> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

async function benchFloor(natsUrl: string): Promise<Measurement> {
  const env = { NATS_URL: natsUrl, BENCH_SUBJECT: `bench.floor.${randomBytes(6).toString('hex')}` };
  const [responder, server] = await startChildren(
    ['floor responder', './floor-responder.ts', env],
    ['floor route', './floor-server.ts', env],
  );
  const url = `http://127.0.0.1:${server!.port}/floor`;
  await expectStatus(url, {}, 200);
  const result = await measure('floor', 'transport floor (Fastify → NATS → responder)', {
    url,
    expectBody: '{"hello":"world"}',
    processes: {
      'floor route': () => [server!.pid],
      responder: () => [responder!.pid],
      'nats-server': natsPidsOf(natsUrl),
    },
  });
  for (let i = 0; i < 2; i++) await cleanups.pop()?.();
  return result;
}

/** Events under `subject` on the NUTRITION stream, in the platform's namespace. */
async function streamCount(nc: NatsConnection, subject: string): Promise<number> {
  const ns = namespaceOf(nc);
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(ns.stream('NUTRITION'), { subjects_filter: ns.subject(subject) });
  return info.state.subjects?.[ns.subject(subject)] ?? 0;
}

async function benchMeals(): Promise<Measurement> {
  const platform = await startPlatform({
    processes: true,
    replicas: { nutrition: 1 },
    env: {
      gateway: { RATE_LIMIT_MAX: '100000000' },
      nutrition: {
        ...settings.nutritionEnv,
        ...(settings.profileDir
          ? {
              NODE_OPTIONS: [
                settings.nutritionEnv.NODE_OPTIONS,
                `--cpu-prof --cpu-prof-dir=${settings.profileDir}`,
              ]
                .filter(Boolean)
                .join(' '),
            }
          : {}),
      },
    },
  });
  cleanups.push(() => platform.stop());
  const pidsOf = (services: Array<{ pid: number | undefined }>) =>
    services.map((s) => s.pid).filter((pid): pid is number => pid !== undefined);
  const nutritionDbName = platform.services.nutrition![0]!.env.DATABASE_NAME;
  const { db: nutritionDb, close: closeNutritionDb } = await openServiceDatabase(platform, 'nutrition');
  cleanups.push(closeNutritionDb);

  const member = await registerMember(apiClient(platform.gatewayUrl));
  const headers = { authorization: `Bearer ${member.accessToken}`, 'content-type': 'application/json' };
  // A typical lunch: two reference foods by weight and one free entry.
  const body = JSON.stringify({
    mealType: 'lunch',
    items: [
      { foodId: '05064', grams: 150 },
      { foodId: '20037', grams: 200 },
      { name: 'Side salad', grams: 80, kcal: 40, proteinG: 1.5, carbsG: 5, fatG: 2 },
    ],
  });
  const url = `${platform.gatewayUrl}/v1/nutrition/meals`;
  const subject = 'nutrition.meal.logged';
  const eventsBefore = await streamCount(platform.nc, subject);
  const first = await expectStatus(url, { method: 'POST', headers, body }, 201);
  const verifyBody = (text: string) => text.includes('"foodId":"05064"');
  if (!verifyBody(first)) throw new Error(`unexpected body: ${first.slice(0, 300)}`);
  const result = await measure(
    'meal',
    'POST /v1/nutrition/meals (gateway → NATS → nutrition → SQL + outbox → JetStream)',
    {
      url,
      method: 'POST',
      body,
      headers,
      verifyBody,
      processes: {
        gateway: () => pidsOf(platform.services.gateway!),
        nutrition: () => pidsOf(platform.services.nutrition!),
        'nats-server': natsPidsOf(platform.backends.natsUrl),
        ...(nutritionDbName
          ? {
              'postgres (ours)': postgresPidsOf(nutritionDbName),
            }
          : {}),
      },
    },
  );
  // Every stored meal has its event on the stream once (a run's last requests in flight are
  // stored but not acknowledged to autocannon, so count rows, not answers).
  const acknowledged = result.requests + 1;
  const stored = nutritionDb
    ? (await nutritionDb.query<{ n: number }>('SELECT count(*)::int AS n FROM meals'))[0]!.n
    : acknowledged;
  const events = async () => (await streamCount(platform.nc, subject)) - eventsBefore;
  await waitFor(async () => (await events()) >= stored, 30_000).catch(() => undefined);
  await sleep(500);
  const seen = await events();
  const ok = seen === stored && stored >= acknowledged;
  console.log(
    `\nevents: ${int(acknowledged)} meals acknowledged, ${int(stored)} stored, ${int(seen)} events on the stream ${ok ? '✓' : '✗'}`,
  );
  if (!ok) result.problems.push(`events ${seen} vs meals stored ${stored} (acknowledged ${acknowledged})`);
  return result;
}

let exitCode = 0;
try {
  const backends = await resolveBackends();
  console.log('Nutrition benchmark (DESIGN.md §10)');
  console.log(
    `machine: ${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`backends: ${backends.describe()}`);
  const results: Measurement[] = [];
  if (settings.only.has('floor')) results.push(await benchFloor(backends.natsUrl));
  if (settings.only.has('meal')) results.push(await benchMeals());
  const floor = results.find((r) => r.key === 'floor');
  console.log('\n══ Results ══');
  printTable([
    ['target', 'req/s', '×floor', `p50 @${settings.rate}/s`, `p99 @${settings.rate}/s`],
    ...results.map((r) => [
      r.key === 'floor' ? 'transport floor' : 'POST /v1/nutrition/meals',
      int(r.perS),
      floor ? `${(r.perS / floor.perS).toFixed(2)}×` : '—',
      ms1(r.p50),
      ms1(r.p99),
    ]),
  ]);
  const meal = results.find((r) => r.key === 'meal');
  if (meal && floor) {
    const ratio = meal.perS / floor.perS;
    console.log(
      `\n  throughput ≥ ${TARGET_FLOOR_RATIO} × transport floor: ${ratio.toFixed(2)}× → ${ratio >= TARGET_FLOOR_RATIO ? 'MET' : 'MISSED'}`,
    );
    const sustained = meal.achieved >= settings.rate * 0.95;
    console.log(
      `  p99 < ${TARGET_P99_MS} ms at ${settings.rate} req/s: ${ms1(meal.p99)}${sustained ? '' : ' (rate not sustained)'} → ${meal.p99 < TARGET_P99_MS && sustained ? 'MET' : 'MISSED'}`,
    );
  }
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
  if (problems.length > 0) {
    console.error(`\nFAILED: ${problems.length} problem(s):`);
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
