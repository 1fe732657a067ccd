/**
 * Analytics benchmark (DESIGN.md §10: outbox → JetStream → analytics read model lag p99 < 1 s at
 * 2,000 events/s, and a full rebuild of the read models from the streams at ≥ 10,000 events/s).
 *
 *   lag      A producer with workout's identity writes `workout.exercise.logged` events into an
 *            outbox of its own (a scratch database with the platform's outbox table) at a fixed
 *            rate, each event in a committed transaction, relayed to JetStream by the platform's
 *            outbox relay. Analytics runs as its own process. Lag per event: from the moment the
 *            producer wrote it (its `at`, just before the commit) to the start of the analytics
 *            transaction that wrote its set-logged award (`points_ledger.awarded_at`), in the one
 *            transaction that writes a logged set's sets, records and points.
 *   rebuild  `pnpm analytics:rebuild` against that analytics (still running): every read model
 *            from the streams' first messages into fresh tables, then the switch. Two rates: stream
 *            events per second, and messages handed to read-model handlers per second (the same
 *            here: a logged set is read by one consumer). BENCH_DURATION_S sets the stream's size (20 s: 40,000 events).
 *
 *   NATS_URL=… DATABASE_URL=postgres://… REDIS_URL=… pnpm bench:analytics
 *
 * Knobs: BENCH_RATE (2000 events/s), BENCH_DURATION_S (20), BENCH_MEMBERS (400),
 * BENCH_TICK_MS (10: the producer commits a transaction of events this often), BENCH_CPU_PROF_DIR
 * (CPU profiles of analytics and of the rebuild).
 * A missed target does not fail the process; a lost or doubled award does (exit 1).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { workoutEvents } from '@nxg/contracts';
import {
  BusIdentity,
  connectBus,
  createLogger,
  enqueueEvents,
  migrate,
  openDatabase,
  parseServiceKey,
  platformMigrations,
  startOutboxRelay,
  type Database,
} from '@nxg/platform';
import { resolveBackends, startPlatform, waitFor } from '@nxg/testing';
import { cpuLine, machineBusy, startCpuMeter, type CpuUse } from './cpu.ts';
import { intEnv, natsPidsOf, percentile, postgresPidsOf, sleep } from './load-run.ts';

const settings = {
  rate: intEnv('BENCH_RATE', 2000),
  durationS: intEnv('BENCH_DURATION_S', 20),
  members: intEnv('BENCH_MEMBERS', 400),
  tickMs: intEnv('BENCH_TICK_MS', 10),
};
const root = fileURLToPath(new URL('../..', import.meta.url));

const backends = await resolveBackends();
if (!backends.databaseUrl) {
  console.error('bench:analytics needs DATABASE_URL (a PostgreSQL server): it reads analytics’ ledger.');
  process.exit(2);
}
const busyBefore = await machineBusy(1000);
// BENCH_CPU_PROF_DIR: analytics writes a V8 CPU profile there when it stops (read it with
// `node tools/bench/profile-summary.ts <file>`); figures of a profiled run are not comparable.
const profileDir = process.env.BENCH_CPU_PROF_DIR;
const platform = await startPlatform({
  processes: true,
  replicas: { analytics: 1 },
  env: profileDir ? { analytics: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } } : {},
});
const analytics = platform.services.analytics![0]!;
const logger = createLogger('bench-producer', 'warn');
let producer: Database | undefined;
let failed = false;
try {
  // The producer: workout's identity on the bus, an outbox of its own.
  producer = await openDatabase({
    service: 'workout',
    url: backends.databaseUrl,
    name: 'nxg_bench_analytics_producer',
    dataDir: '.data',
  });
  await migrate(producer, [platformMigrations]);
  await producer.query('TRUNCATE outbox');
  const bus = await connectBus({
    url: backends.natsUrl,
    name: 'bench-producer',
    logger,
    prefix: platform.ns.prefix,
    identity: new BusIdentity(parseServiceKey(platform.serviceKey)!, 'workout'),
  });
  const relay = startOutboxRelay({ db: producer, nc: bus.nc, logger, intervalMs: 50 });

  const servers = {
    'postgres (analytics db)': postgresPidsOf(analytics.env.DATABASE_NAME!),
    'nats-server': natsPidsOf(backends.natsUrl),
  };
  const analyticsPid = () => (analytics.pid ? [analytics.pid] : []);
  const lagMeter = startCpuMeter({ analytics: analyticsPid, ...servers });
  const members = Array.from({ length: settings.members }, () => randomUUID());
  const total = settings.rate * settings.durationS;
  let written = 0;
  const started = Date.now();
  // A transaction every tick holding the events due by then: the rate holds whatever a tick costs.
  while (written < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * settings.rate));
    if (due > written) {
      const batch = Array.from({ length: due - written }, (_, i) => {
        const userId = members[(written + i) % members.length]!;
        return {
          event: workoutEvents.exerciseLogged,
          subject: userId,
          data: {
            userId,
            logId: randomUUID(),
            exerciseName: 'Bench press',
            reps: 5,
            weightKg: 50,
            durationS: null,
            source: 'manual',
            sessionId: null,
            at: new Date().toISOString(),
          },
        };
      });
      await producer.transaction((tx) => enqueueEvents(tx, batch));
      written = due;
    }
    await sleep(settings.tickMs);
  }
  const writeS = (Date.now() - started) / 1000;

  // Caught up: every event has its set-logged award.
  const ledger = await openDatabase({
    service: 'analytics',
    url: backends.databaseUrl,
    name: analytics.env.DATABASE_NAME,
    dataDir: '.data',
  });
  const awarded = async () =>
    Number(
      (
        await ledger.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM points_ledger WHERE rule_id = 'set-logged'`,
        )
      )[0]!.n,
    );
  await waitFor(async () => (await awarded()) >= total, 600_000);
  const catchUpS = (Date.now() - started) / 1000;
  const lagCpu = lagMeter();
  const lags = Float64Array.from(
    (
      await ledger.query<{ lag_ms: number }>(
        `SELECT extract(epoch FROM awarded_at - occurred_at)::float8 * 1000 AS lag_ms FROM points_ledger WHERE rule_id = 'set-logged'`,
      )
    ).map((r) => Number(r.lag_ms)),
  ).sort();
  const doubled = await ledger.query(
    `SELECT occasion FROM points_ledger WHERE rule_id = 'set-logged' GROUP BY occasion HAVING count(*) > 1`,
  );
  if (lags.length !== total || doubled.length) {
    failed = true;
    console.error(`awards: ${lags.length} set-logged for ${total} events, ${doubled.length} doubled`);
  }
  await ledger.close();
  await relay.stop();
  await bus.drain();

  // Rebuild, with analytics running.
  let rebuildCpu: CpuUse | undefined;
  let meteredS = 0;
  const rebuild = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['apps/analytics/src/rebuild/rebuild-cli.ts'], {
      cwd: root,
      env: {
        ...process.env,
        ...analytics.env,
        LOG_LEVEL: 'warn',
        ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
      },
    });
    const meterStarted = performance.now();
    const meter = startCpuMeter({
      rebuild: () => (child.pid ? [child.pid] : []),
      analytics: analyticsPid,
      ...servers,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (rebuildCpu || !stdout.includes('Rebuilt')) return;
      rebuildCpu = meter(); // before the process exits
      meteredS = (performance.now() - meterStarted) / 1000;
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
  const rebuilt =
    /from (\d+) events \((\d+) during the switch\) in ([\d.]+) s: (\d+) events\/s \(([^)]*)\)/.exec(
      rebuild.stdout,
    );
  if (rebuild.status !== 0 || !rebuilt) {
    failed = true;
    console.error(`rebuild failed:\n${rebuild.stdout}\n${rebuild.stderr}`);
  }
  const rebuildS = Number(rebuilt?.[3] ?? Number.NaN);
  // Stream events: the sets, and the registered/updated events of no one (members are not registered).
  const streamEventsPerS = Math.round(total / rebuildS);

  const p = (q: number) => Math.round(percentile(lags, q));
  const loaded = `machine ${busyBefore === undefined ? '?' : Math.round(busyBefore)} % busy before the run, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} after`;
  console.log(`
analytics benchmark (${new Date().toISOString()}; ${loaded})
  lag at ${settings.rate} events/s for ${settings.durationS} s (${total} events, written in ${writeS.toFixed(1)} s, all applied after ${catchUpS.toFixed(1)} s):
    p50 ${p(50)} ms, p90 ${p(90)} ms, p99 ${p(99)} ms, max ${p(100)} ms  (target p99 < 1000 ms: ${p(99) < 1000 ? 'met' : 'MISSED'})
  rebuild: ${total} stream events in ${rebuildS} s = ${streamEventsPerS} events/s  (target ≥ 10000: ${streamEventsPerS >= 10_000 ? 'met' : 'MISSED'});
    ${rebuilt?.[1] ?? '?'} handler deliveries = ${rebuilt?.[4] ?? '?'}/s, ${rebuilt?.[2] ?? '?'} during the switch; ${rebuilt?.[5] ?? '?'}
lag phase (producer and relay are the load generator):
${cpuLine(lagCpu, total / catchUpS, 'event')}
rebuild (from the rebuild process's start to its report, start-up included):
${rebuildCpu ? cpuLine(rebuildCpu, total / meteredS, 'event') : '  CPU: not measured'}
`);
} finally {
  await producer?.close();
  await platform.stop();
}
process.exit(failed ? 1 : 0);
