/**
 * Write benchmark (DESIGN.md §10: an acknowledged write ≥ 0.3 × the transport floor, p99 < 50 ms at
 * a fixed 500 req/s). In one run on this machine it measures:
 *
 *   floor  the transport floor: a bare Fastify route making one NATS request   (floor-server.ts → floor-responder.ts)
 *          to a plain subscriber that answers at once, on the platform's NATS server
 *   db     the database floor: pgbench, one workout_logs row + one outbox row per transaction over
 *          16 connections, on a scratch database with workout's schema (skipped if pgbench or
 *          PostgreSQL is missing)
 *   write  POST /v1/workouts/logs through the whole path: gateway → NATS → workout → SQL + outbox,
 *          and the relay → JetStream (every write's event is checked on the stream afterwards)
 *   wk     its back half: a bare Fastify route sending workout a real envelope (no gateway)
 *   gw     its front half: the gateway, workout replaced by a responder replaying a real reply at once
 *
 * Servers run as their own processes (gateway, identity, workout as startPlatform starts them).
 * Per HTTP target: a warm-up, a max-throughput run (→ req/s, CPU per process, SQL per request),
 * then a run at a fixed overall rate (→ p50/p99 of the per-response latencies). It prints the
 * figures, their ratios to the floors measured in the same run, and whether the targets are met.
 * A missed target does not fail the process; errors, non-2xx answers, unexpected bodies, or an
 * acknowledged write whose event is missing or doubled on the stream do (exit 1).
 *
 *   NATS_URL=nats://127.0.0.1:<own port> DATABASE_URL=postgres://… REDIS_URL=redis://… pnpm bench:write
 *
 * Knobs (environment):
 *   BENCH_WARMUP_S (3), BENCH_DURATION_S (10), BENCH_CONNECTIONS (50), BENCH_RATE (500 req/s),
 *   BENCH_RATE_CONNECTIONS (10), BENCH_ONLY (floor,db,write,wk,gw), BENCH_PGBENCH_CLIENTS (16),
 *   BENCH_PGBENCH_MODE (prepared: pgbench's -M),
 *   BENCH_GATEWAY_ENV / BENCH_WORKOUT_ENV: JSON of extra variables for that service (a variant),
 *   BENCH_CPU_PROF_DIR: every server process writes a V8 .cpuprofile there (read them with
 *     tools/bench/profile-summary.ts); the figures of such a run are not comparable.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { workout } from '@nxg/contracts';
import { migrate, namespaceOf, openDatabase, platformMigrations, type Database } from '@nxg/platform';
import {
  apiClient,
  registerMember,
  resolveBackends,
  startPlatform,
  waitFor,
  type TestPlatform,
} from '@nxg/testing';
import { startChild, type BenchChild } from './child.ts';
import { cpuLine, machineBusy, startCpuMeter, type CpuUse, type ProcessGroups } from './cpu.ts';
import {
  int,
  fixedRateRun,
  intEnv,
  load,
  ms1,
  percentile,
  pidsMatching,
  printTable,
  problemsOf,
  sleep,
  type LoadTarget,
} from './load-run.ts';
import { openServiceDatabase } from './service-database.ts';
import type { SqlCounts } from './sql-counter.ts';

const settings = {
  warmupS: intEnv('BENCH_WARMUP_S', 3),
  durationS: intEnv('BENCH_DURATION_S', 10),
  connections: intEnv('BENCH_CONNECTIONS', 50),
  rate: intEnv('BENCH_RATE', 500),
  rateConnections: intEnv('BENCH_RATE_CONNECTIONS', 10),
  pgbenchClients: intEnv('BENCH_PGBENCH_CLIENTS', 16),
  pgbenchMode: process.env.BENCH_PGBENCH_MODE || 'prepared',
  only: new Set((process.env.BENCH_ONLY || 'floor,db,write,wk,gw').split(',').map((s) => s.trim())),
  profileDir: process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : undefined,
  gatewayEnv: JSON.parse(process.env.BENCH_GATEWAY_ENV || '{}') as Record<string, string>,
  workoutEnv: JSON.parse(process.env.BENCH_WORKOUT_ENV || '{}') as Record<string, string>,
};
const profileOptions = settings.profileDir ? `--cpu-prof --cpu-prof-dir=${settings.profileDir}` : '';

/** DESIGN.md §10. */
const TARGET_FLOOR_RATIO = 0.3;
const TARGET_P99_MS = 50;
/** CPU (% of one core) used by processes outside the target above which its figures are flagged. */
const NOISY_OTHERS = 25;

type Key = 'floor' | 'db' | 'write' | 'wk' | 'gw';

interface Target extends LoadTarget {
  key: Exclude<Key, 'db'>;
  name: string;
  processes: ProcessGroups;
  /** SQL statements the workout process has sent so far, when it counts them. */
  sql?: () => Promise<SqlCounts>;
  /** Sets logged so far (rows in workout's database): what SQL counts are divided by. */
  writes?: () => Promise<number>;
  /** Connections open to workout's database (its pool's, and the relay's among them). */
  connections?: () => number;
}

interface Measurement {
  key: Key;
  name: string;
  /** Mean req/s (tx/s for pgbench) of the max-throughput run. */
  perS: number;
  fixed?: { achieved: number; p50: number; p99: number; rawP50: number; rawP99: number; others?: number };
  cpu: CpuUse;
  /** SQL statements per request during the max-throughput run, by statement. */
  sql?: Array<[string, { calls: number; rows: number }]>;
  requests: number;
  problems: string[];
}

// ---------------------------------------------------------------------------------------------
// cleanup

const cleanups: Array<() => Promise<void>> = [];
const cleanup = async () => {
  while (cleanups.length > 0) {
    await cleanups.pop()!().catch((error: unknown) => console.error('cleanup failed:', error));
  }
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => void cleanup().finally(() => process.exit(130)));
}
const startChildren = async (...specs: Array<[string, string, Record<string, string>]>) => {
  const children: BenchChild[] = [];
  for (const [name, script, env] of specs) {
    const child = await startChild(name, script, env, profileOptions ? { nodeOptions: profileOptions } : {});
    children.push(child);
    cleanups.push(() => child.stop());
  }
  return children;
};
const stopLast = async (count: number) => {
  for (let i = 0; i < count; i++) await cleanups.pop()?.();
};

// ---------------------------------------------------------------------------------------------
// processes

/** Our own nats-server (matched by its port) when it can be told apart from others, else every one. */
function natsPids(natsUrl: string): () => number[] {
  const port = new URL(natsUrl.split(',')[0]!).port || '4222';
  return () => {
    const own = pidsMatching(new RegExp(`^\\S*nats-server .*(-p|--port)[ =]${port}\\b`));
    return own.length > 0 ? own : pidsMatching(/^\S*nats-server\b/);
  };
}

/** PostgreSQL's backends serving `databases` and its shared background processes (WAL writer, checkpointer, …). */
function postgresPids(databases: () => string[]): () => number[] {
  return () => {
    const names = databases();
    if (names.length === 0) return [];
    const ours = new RegExp(`^postgres: (?:\\S+: )?\\S+ (${names.join('|')}) `);
    const shared =
      /^postgres: (?:\S+: )?(walwriter|checkpointer|background writer|autovacuum|logical replication launcher)/;
    return pidsMatching(ours).concat(pidsMatching(shared));
  };
}

// ---------------------------------------------------------------------------------------------
// one HTTP target

const sqlDelta = (before: SqlCounts, after: SqlCounts, requests: number) =>
  Object.entries(after)
    .map(([label, { calls, rows }]): [string, { calls: number; rows: number }] => [
      label,
      {
        calls: (calls - (before[label]?.calls ?? 0)) / requests,
        rows: (rows - (before[label]?.rows ?? 0)) / requests,
      },
    ])
    .filter(([, { calls }]) => calls > 0)
    .sort((a, b) => b[1].calls - a[1].calls);

async function measure(target: Target): Promise<Measurement> {
  const { warmupS, durationS, connections, rate, rateConnections } = settings;
  console.log(`\n▶ ${target.name}  (${target.method ?? 'GET'} ${target.url})`);
  const problems: string[] = [];
  let idle = await machineBusy(1000);
  for (let i = 0; i < 4 && idle !== undefined && idle > 15; i++) idle = await machineBusy(1000);
  if (idle !== undefined)
    console.log(
      `  before loading: machine ${Math.round(idle)}% busy${idle > 15 ? '  ⚠ something else uses the CPU' : ''}`,
    );

  const warm = await load(target, { connections, duration: warmupS });
  problems.push(...problemsOf('warm-up', warm));
  console.log(`  warm-up        ${warmupS} s × ${connections} conn: ${int(warm.requests.average)} req/s`);

  const sqlBefore = await target.sql?.();
  const writesBefore = await target.writes?.();
  const meter = startCpuMeter(target.processes);
  const max = await load(target, { connections, duration: durationS });
  const cpu = meter();
  const sqlAfter = await target.sql?.();
  const writesAfter = await target.writes?.();
  problems.push(...problemsOf('max throughput', max));
  const perS = max.requests.average;
  console.log(
    `  max throughput ${durationS} s × ${connections} conn: ${int(perS)} req/s (${int(max.requests.total)} requests, ` +
      `p50 ${max.latency.p50} ms, p99 ${max.latency.p99} ms, errors ${max.errors}, non-2xx ${max.non2xx})`,
  );
  console.log(cpuLine(cpu, perS));
  if ((cpu.others ?? 0) > NOISY_OTHERS)
    console.log(`  ⚠ others used ~${Math.round(cpu.others!)}% of a core meanwhile`);
  const writes =
    writesBefore !== undefined && writesAfter !== undefined ? writesAfter - writesBefore : max.requests.total;
  const sql = sqlBefore && sqlAfter ? sqlDelta(sqlBefore, sqlAfter, writes) : undefined;
  if (sql) {
    const total = sql.reduce((sum, [, { calls }]) => sum + calls, 0);
    console.log(`  SQL statements per logged set (workout, ${int(writes)} sets): ${total.toFixed(2)}`);
    for (const [label, { calls, rows }] of sql)
      console.log(`    ${calls.toFixed(3).padStart(6)} × (${(rows / calls).toFixed(1)} rows each)  ${label}`);
    // Published rows are deleted in batches (events go out as their commit lands); a sweep's claim
    // of left-over rows shows only when a publish failed or a process stopped.
    const deletions = sql.find(([label]) => /^DELETE FROM outbox/.test(label))?.[1];
    if (deletions)
      console.log(
        `  outbox deletions per logged set: ${deletions.calls.toFixed(3)} (${(deletions.rows / deletions.calls).toFixed(1)} events each)`,
      );
  }
  if (target.connections)
    console.log(`  PostgreSQL connections open to workout's database: ${target.connections()}`);

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
      `per-response p50 ${ms1(percentile(sorted, 50))}, p99 ${ms1(percentile(sorted, 99))}, max ${ms1(sorted.at(-1) ?? 0)} ` +
      `(autocannon p50 ${fixed.latency.p50} ms, p99 ${fixed.latency.p99} ms)`,
  );
  if ((fixedOthers ?? 0) > NOISY_OTHERS)
    console.log(`  ⚠ others used ~${Math.round(fixedOthers!)}% of a core meanwhile`);
  if (achieved < rate * 0.95) console.log(`  ⚠ the fixed-rate run did not sustain ${int(rate)} req/s`);
  for (const problem of problems) console.log(`  ✗ ${problem}`);
  return {
    key: target.key,
    name: target.name,
    perS,
    fixed: {
      achieved,
      p50: fixed.latency.p50,
      p99: fixed.latency.p99,
      rawP50: percentile(sorted, 50),
      rawP99: percentile(sorted, 99),
      ...(fixedOthers === undefined ? {} : { others: fixedOthers }),
    },
    cpu,
    ...(sql ? { sql } : {}),
    requests: max.requests.total + fixed.requests.total + warm.requests.total,
    problems,
  };
}

async function expectStatus(url: string, init: RequestInit, status: number): Promise<string> {
  const response = await fetch(url, init);
  const text = await response.text();
  if (response.status !== status)
    throw new Error(`${init.method ?? 'GET'} ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

// ---------------------------------------------------------------------------------------------
// the transport floor

async function benchFloor(natsUrl: string): Promise<Measurement> {
  const env = { NATS_URL: natsUrl, BENCH_SUBJECT: `bench.floor.${randomBytes(6).toString('hex')}` };
  const [responder, server] = await startChildren(
    ['floor responder', './floor-responder.ts', env],
    ['floor route', './floor-server.ts', env],
  );
  const url = `http://127.0.0.1:${server!.port}/floor`;
  await expectStatus(url, {}, 200);
  const result = await measure({
    key: 'floor',
    name: 'transport floor (Fastify → NATS → responder)',
    url,
    expectBody: '{"hello":"world"}',
    processes: {
      'floor route': () => [server!.pid],
      responder: () => [responder!.pid],
      'nats-server': natsPids(natsUrl),
    },
  });
  await stopLast(2);
  return result;
}

// ---------------------------------------------------------------------------------------------
// the database floor

const workoutMigrations = {
  scope: 'workout',
  dir: fileURLToPath(new URL('../../apps/workout/migrations', import.meta.url)),
};

/** JSON for a pgbench script: pgbench reads `:word` as a variable, so no colon may touch a word. */
const pgbenchLiteral = (value: unknown) =>
  JSON.stringify(value)
    .replaceAll('":', '": ')
    .replace(/:(?=\w)/g, '\\u003a');

/** One logged set and its outbox row, the way workout writes them (a real-sized event envelope). */
function pgbenchScript(): string {
  const userId = '0190a5d2-7c1e-7a3b-9f10-6a1b2c3d4e5f';
  const envelope = {
    id: '0190a5d2-7c1e-7a3b-9f10-000000000000',
    type: 'workout.exercise.logged',
    source: 'workout',
    time: '2026-11-22T06:00:00.000Z',
    subject: userId,
    dataVersion: 1,
    data: {
      userId,
      logId: '0190a5d2-7c1e-7a3b-9f10-111111111111',
      exerciseName: 'Barbell bench press',
      reps: 10,
      weightKg: 60,
      durationS: null,
      source: 'manual',
      sessionId: null,
      at: '2026-11-22T06:00:00.000Z',
    },
  };
  return [
    'BEGIN;',
    `INSERT INTO workout_logs (id, user_id, exercise_id, exercise_name, reps, weight_kg, duration_s, source, performed_at) ` +
      `VALUES (gen_random_uuid(), '${userId}', 'bench-press', 'Barbell bench press', 10, 60, NULL, 'manual', now());`,
    `INSERT INTO outbox (id, subject, payload, headers) VALUES (gen_random_uuid(), 'workout.exercise.logged', ` +
      `'${pgbenchLiteral(envelope)}', '{}');`,
    'END;',
    '',
  ].join('\n');
}

async function benchDatabase(databaseUrl: string | undefined): Promise<Measurement | undefined> {
  console.log(
    `\n▶ database floor (pgbench: one row + one outbox row per transaction, ${settings.pgbenchClients} connections)`,
  );
  if (!databaseUrl) {
    console.log('  skipped: no DATABASE_URL (PGlite has no pgbench)');
    return undefined;
  }
  if (spawnSync('pgbench', ['--version']).status !== 0) {
    console.log('  skipped: pgbench is not installed (apt-get install postgresql-client-15)');
    return undefined;
  }
  const name = `nxg_writebench_${randomBytes(5).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'write-bench-'));
  const open = (database: string) =>
    openDatabase({ service: 'write-bench', url: databaseUrl, name: database, dataDir: dir, poolSize: 1 });
  const scratch: Database = await open(name);
  try {
    await migrate(scratch, [platformMigrations, workoutMigrations]);
    const script = join(dir, 'write.sql');
    writeFileSync(script, pgbenchScript());
    const url = new URL(databaseUrl);
    url.pathname = `/${name}`;
    const args = [
      '-n',
      '-M',
      settings.pgbenchMode,
      '-c',
      String(settings.pgbenchClients),
      '-j',
      '2',
      '-f',
      script,
    ];
    // One run: a warm-up, then the measured seconds (CPU read while pgbench and its backends live),
    // then a second more; tx/s from pgbench's per-second progress lines of the measured seconds.
    const { warmupS, durationS } = settings;
    const child = spawn(
      'pgbench',
      [...args, '-P', '1', '-T', String(warmupS + durationS + 1), url.toString()],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<void>((resolveRun, reject) =>
      child.once('exit', (code) =>
        code === 0 ? resolveRun() : reject(new Error(`pgbench exited ${code}:\n${output}`)),
      ),
    );
    await sleep(warmupS * 1000 + 500);
    const meter = startCpuMeter({
      pgbench: () => [child.pid!],
      'postgres (ours)': postgresPids(() => [name]),
    });
    await sleep(durationS * 1000);
    const cpu = meter();
    await exited;
    const perSecond = [...output.matchAll(/^progress: ([\d.]+) s, ([\d.]+) tps, lat ([\d.]+) ms/gm)]
      .map((m) => ({ at: Number(m[1]), tps: Number(m[2]), latency: Number(m[3]) }))
      .filter(({ at }) => at > warmupS + 0.5 && at <= warmupS + durationS + 0.5);
    const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
    const tps = mean(perSecond.map((p) => p.tps));
    const latency = mean(perSecond.map((p) => p.latency)).toFixed(1);
    const [{ n } = { n: 0 }] = await scratch.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
    console.log(
      `  ${int(tps)} tx/s over ${durationS} s (latency average ${latency} ms, -M ${settings.pgbenchMode}; ` +
        `${int(n)} outbox rows written in all)`,
    );
    console.log(cpuLine(cpu, tps));
    return {
      key: 'db',
      name: 'database floor (pgbench)',
      perS: tps,
      cpu,
      requests: n,
      problems: Number.isFinite(tps) ? [] : ['pgbench printed no tps'],
    };
  } finally {
    await scratch.close();
    const admin = await open('postgres');
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// the write path

/** Events on the WORKOUT stream under `subject`, in the platform's namespace. */
async function streamCount(nc: NatsConnection, subject: string): Promise<number> {
  const ns = namespaceOf(nc);
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(ns.stream('WORKOUT'), { subjects_filter: ns.subject(subject) });
  return info.state.subjects?.[ns.subject(subject)] ?? 0;
}

async function benchWrites(): Promise<Measurement[]> {
  const countFile = join(mkdtempSync(join(tmpdir(), 'write-bench-sql-')), 'counts.json');
  const counter = fileURLToPath(new URL('./sql-counter.ts', import.meta.url));
  const platform: TestPlatform = await startPlatform({
    processes: true,
    replicas: { workout: 1 },
    env: {
      ...(profileOptions ? { all: { NODE_OPTIONS: profileOptions } } : {}),
      gateway: { RATE_LIMIT_MAX: '100000000', ...settings.gatewayEnv },
      workout: {
        NODE_OPTIONS: `--import ${counter} ${profileOptions}`.trim(),
        BENCH_SQL_COUNT_FILE: countFile,
        ...settings.workoutEnv,
      },
    },
  });
  cleanups.push(() => platform.stop());
  const [workoutProcess] = platform.services.workout!;
  const workoutDbName = workoutProcess!.env.DATABASE_NAME;
  const pidsOf = (services: Array<{ pid: number | undefined }>) =>
    services.map((s) => s.pid).filter((pid): pid is number => pid !== undefined);
  let dumps = 0;
  const sql = async (): Promise<SqlCounts> => {
    process.kill(workoutProcess!.pid!, 'SIGUSR2');
    for (let waited = 0; ; waited += 50) {
      await sleep(50);
      try {
        const { dump, counts } = JSON.parse(readFileSync(countFile, 'utf8')) as {
          dump: number;
          counts: SqlCounts;
        };
        if (dump > dumps) {
          dumps = dump;
          return counts;
        }
      } catch (error) {
        if (waited > 10_000) throw error;
      }
      if (waited > 10_000) throw new Error('workout did not write its SQL counts');
    }
  };
  // Workout's own database, read by the benchmark to count the sets written.
  const { db: workoutDb, close: closeWorkoutDb } = await openServiceDatabase(platform, 'workout');
  cleanups.push(closeWorkoutDb);
  const loggedSets = async () =>
    (await workoutDb!.query<{ n: number }>('SELECT count(*)::int AS n FROM workout_logs'))[0]!.n;
  const writes = workoutDb ? loggedSets : undefined;
  // Less the benchmark's own connection, which counts the sets.
  const connections = () =>
    Math.max(0, pidsMatching(new RegExp(`^postgres: (?:\\S+: )?\\S+ ${workoutDbName} `)).length - 1);

  const member = await registerMember(apiClient(platform.gatewayUrl));
  const headers = { authorization: `Bearer ${member.accessToken}`, 'content-type': 'application/json' };
  const body = JSON.stringify({ exerciseId: 'bench-press', reps: 10, weightKg: 60 });
  const url = `${platform.gatewayUrl}/v1/workouts/logs`;
  const subject = 'workout.exercise.logged';
  const eventsBefore = await streamCount(platform.nc, subject);
  const first = await expectStatus(url, { method: 'POST', headers, body }, 201);
  const verifyBody = (text: string) => text.includes('"exerciseId":"bench-press"');
  if (!verifyBody(first))
    throw new Error(`POST /v1/workouts/logs answered an unexpected body: ${first.slice(0, 300)}`);
  const backends: ProcessGroups = {
    'nats-server': natsPids(platform.backends.natsUrl),
    'postgres (ours)': postgresPids(() => (workoutDbName ? [workoutDbName] : [])),
    ...(platform.backends.redisUrl ? { 'redis-server': () => pidsMatching(/^\S*redis-server\b/) } : {}),
  };
  const results: Measurement[] = [];
  let acknowledged = 1;

  if (settings.only.has('write')) {
    const result = await measure({
      key: 'write',
      name: 'POST /v1/workouts/logs (gateway → NATS → workout → SQL + outbox → JetStream)',
      url,
      method: 'POST',
      body,
      headers,
      verifyBody,
      sql,
      ...(writes ? { writes, connections } : {}),
      processes: {
        gateway: () => pidsOf(platform.services.gateway!),
        workout: () => pidsOf(platform.services.workout!),
        ...backends,
      },
    });
    results.push(result);
    acknowledged += result.requests;
  }

  if (settings.only.has('wk')) {
    const claims = JSON.parse(Buffer.from(member.accessToken.split('.')[1]!, 'base64url').toString()) as {
      jti: string;
      sid: string;
      exp: number;
    };
    const envelope = {
      ctx: {
        requestId: 'bench-workout-only',
        userId: member.user.id,
        roles: ['member'],
        branchRoles: {},
        ip: '127.0.0.1',
        token: { id: claims.jti, sessionId: claims.sid, expiresAt: claims.exp },
      },
      body: JSON.parse(body) as unknown,
    };
    const [route] = await startChildren([
      'workout route',
      './floor-server.ts',
      {
        NATS_URL: platform.backends.natsUrl,
        BENCH_SUBJECT: platform.ns.subject(workout.logWorkout.subject),
        BENCH_REQUEST: JSON.stringify(envelope),
        // Signed as the gateway signs, or workout refuses it (401 UNTRUSTED_CALLER).
        SERVICE_KEY: platform.serviceKey,
        BENCH_SIGN_SUBJECT: workout.logWorkout.subject,
      },
    ]);
    const routeUrl = `http://127.0.0.1:${route!.port}/floor`;
    await expectStatus(routeUrl, {}, 200);
    acknowledged += 1;
    const result = await measure({
      key: 'wk',
      name: 'Fastify route → NATS → workout → SQL + outbox → JetStream (no gateway)',
      url: routeUrl,
      verifyBody,
      sql,
      ...(writes ? { writes, connections } : {}),
      processes: {
        'bare route': () => [route!.pid],
        workout: () => pidsOf(platform.services.workout!),
        ...backends,
      },
    });
    results.push(result);
    acknowledged += result.requests;
    await stopLast(1);
  }

  if (results.length > 0) {
    // Every logged set has its event on the stream once: none lost, none doubled. (A run's last
    // requests in flight are written but not acknowledged to autocannon, so count rows, not answers.)
    const written = workoutDb ? await loggedSets() : acknowledged;
    const events = async () => (await streamCount(platform.nc, subject)) - eventsBefore;
    await waitFor(async () => (await events()) >= written, 30_000).catch(() => undefined);
    await sleep(500);
    const seen = await events();
    const line =
      `events: ${int(acknowledged)} writes acknowledged, ${int(written)} sets in the database, ` +
      `${int(seen)} events on the stream`;
    const ok = seen === written && written >= acknowledged;
    console.log(`\n${line} ${ok ? '✓' : '✗'}`);
    if (!ok)
      results[0]!.problems.push(
        `${line} (expected: as many events as sets, at least as many sets as acknowledged writes)`,
      );
  }

  if (settings.only.has('gw')) {
    // Workout leaves its queue group; a responder replaying a real reply takes its place.
    const reply = JSON.stringify({ ok: true, data: JSON.parse(first) as unknown });
    for (const service of platform.services.workout!) await service.stop();
    const [responder] = await startChildren([
      'workout stand-in',
      './floor-responder.ts',
      {
        NATS_URL: platform.backends.natsUrl,
        BENCH_SUBJECT: platform.ns.subject(workout.logWorkout.subject),
        BENCH_QUEUE: workout.logWorkout.service,
        BENCH_REPLY: reply,
        // Signed as workout signs its replies: the gateway takes no other.
        SERVICE_KEY: platform.serviceKey,
        BENCH_SIGN_AS: workout.logWorkout.service,
        BENCH_SIGN_SUBJECT: workout.logWorkout.subject,
      },
    ]);
    await expectStatus(url, { method: 'POST', headers, body }, 201);
    results.push(
      await measure({
        key: 'gw',
        name: 'gateway → NATS → instant responder (no workout, no database)',
        url,
        method: 'POST',
        body,
        headers,
        verifyBody,
        processes: {
          gateway: () => pidsOf(platform.services.gateway!),
          responder: () => [responder!.pid],
          ...backends,
        },
      }),
    );
    await stopLast(1);
  }
  await stopLast(2); // workout's database, then the platform
  return results;
}

// ---------------------------------------------------------------------------------------------
// report

const LABELS: Record<Key, string> = {
  floor: 'transport floor',
  db: 'database floor (pgbench)',
  write: 'POST /v1/workouts/logs',
  wk: '  part: route → workout → db',
  gw: '  part: gateway → instant reply',
};

function report(results: Measurement[]): void {
  const byKey = new Map(results.map((r) => [r.key, r]));
  const floor = byKey.get('floor');
  const db = byKey.get('db');
  const ratio = (r: Measurement, base: Measurement | undefined) =>
    base ? `${(r.perS / base.perS).toFixed(2)}×` : '—';
  const others = (r: Measurement) => {
    const shares = [r.cpu.others, r.fixed?.others].filter((s): s is number => s !== undefined);
    const flag = shares.some((s) => s > NOISY_OTHERS) ? ' ⚠' : '';
    return `${shares.map((s) => Math.round(s)).join(' / ')}%${flag}`;
  };
  const rate = int(settings.rate);
  console.log('\n══ Results ══');
  printTable([
    ['target', 'req/s', '×floor', '×db floor', `p50 @${rate}/s`, `p99 @${rate}/s`, 'other CPU'],
    ...results.map((r) => [
      LABELS[r.key],
      int(r.perS),
      ratio(r, floor),
      ratio(r, db),
      r.fixed ? ms1(r.fixed.rawP50) : '—',
      r.fixed ? ms1(r.fixed.rawP99) : '—',
      others(r),
    ]),
  ]);
  console.log(
    `req/s: mean of the ${settings.durationS} s max-throughput run (${settings.connections} connections; pgbench: tx/s over ` +
      `${settings.pgbenchClients}). p50/p99: per-response latencies of the fixed-rate run (${settings.rateConnections} connections). ` +
      `other CPU: % of a core no process of the row explains, max-throughput / fixed-rate run (⚠ above ${NOISY_OTHERS}%).`,
  );
  const write = byKey.get('write');
  if (!write) return;
  const noisy = (share: number | undefined) =>
    (share ?? 0) > NOISY_OTHERS
      ? `  ⚠ others used ~${Math.round(share!)}% of a core meanwhile: rerun on a quiet machine`
      : '';
  console.log('\nDESIGN.md §10 targets (POST /v1/workouts/logs):');
  if (floor) {
    const r = write.perS / floor.perS;
    console.log(
      `  throughput ≥ ${TARGET_FLOOR_RATIO} × transport floor:  ${r.toFixed(2)} × → ${r >= TARGET_FLOOR_RATIO ? 'MET' : 'MISSED'}` +
        noisy(Math.max(write.cpu.others ?? 0, floor.cpu.others ?? 0)),
    );
  } else console.log(`  throughput ≥ ${TARGET_FLOOR_RATIO} × transport floor:  not measured (floor skipped)`);
  const fixed = write.fixed!;
  const sustained = fixed.achieved >= settings.rate * 0.95;
  const ok = fixed.rawP99 < TARGET_P99_MS && sustained;
  console.log(
    `  p99 < ${TARGET_P99_MS} ms at ${rate} req/s:          ${ms1(fixed.rawP99)} (achieved ${int(fixed.achieved)} req/s` +
      `${sustained ? '' : ', rate not sustained'}) → ${ok ? 'MET' : 'MISSED'}${noisy(fixed.others)}`,
  );
}

// ---------------------------------------------------------------------------------------------

let exitCode = 0;
try {
  const backends = await resolveBackends();
  console.log('Write benchmark (DESIGN.md §10)');
  console.log(
    `machine: ${availableParallelism()} cores, Node ${process.version}, load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  console.log(`backends: ${backends.describe()}`);
  for (const [name, env] of Object.entries({ gateway: settings.gatewayEnv, workout: settings.workoutEnv }))
    if (Object.keys(env).length > 0)
      console.log(`extra ${name} environment: ${JSON.stringify(env)} (a variant)`);
  console.log(
    `method: warm-up ${settings.warmupS} s, max throughput ${settings.durationS} s × ${settings.connections} connections, ` +
      `then ${settings.durationS} s at ${int(settings.rate)} req/s over ${settings.rateConnections} connections; load to 127.0.0.1 only`,
  );
  if (settings.profileDir) console.log(`CPU profiles go to ${settings.profileDir} (figures not comparable)`);
  const results: Measurement[] = [];
  if (settings.only.has('floor')) results.push(await benchFloor(backends.natsUrl));
  if (settings.only.has('db')) {
    const db = await benchDatabase(backends.databaseUrl);
    if (db) results.push(db);
  }
  if (['write', 'wk', 'gw'].some((key) => settings.only.has(key))) results.push(...(await benchWrites()));
  report(results);
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
  if (problems.length > 0) {
    console.error(`\nFAILED: ${problems.length} problem(s); the figures of those runs are not valid:`);
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
