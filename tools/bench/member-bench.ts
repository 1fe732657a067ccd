/**
 * The mixed member journey (DESIGN.md §10: members each sending a mixed request every 4–8 s,
 * p99 < 200 ms with no errors), the autocannon mirror on this machine of
 * tools/bench/k6/member-journey.js, which users run against their own environments.
 *
 * It starts identity, workout, analytics and the gateway as processes (startPlatform), registers
 * BENCH_MEMBERS members, each with a generated plan, then holds one connection per member sending
 * the k6 script's mix in turn — profile, points, active plan, their week, the exercise library,
 * a logged set — at an overall rate of one request per member every 6 s, and prints the p50/p99
 * of every response and whether the target is met. Errors or non-2xx answers fail the
 * run (exit 1). The live feed is not held here (autocannon speaks HTTP only): the hub benchmark
 * and k6 cover sockets.
 *
 *   NATS_URL=nats://127.0.0.1:<own port> DATABASE_URL=postgres://… REDIS_URL=redis://… pnpm bench:members
 *
 * Knobs: BENCH_MEMBERS (500), BENCH_DURATION_S (30), BENCH_SECONDS_PER_REQUEST (6).
 */
import { apiClient, registerMember, startPlatform } from '@nxg/testing';
import autocannon from 'autocannon';
import { int, intEnv, ms1, percentile, problemsOf } from './load-run.ts';

const members = intEnv('BENCH_MEMBERS', 500);
const durationS = intEnv('BENCH_DURATION_S', 30);
const secondsPerRequest = intEnv('BENCH_SECONDS_PER_REQUEST', 6);

/** The k6 script's mix, one of each in turn per connection. */
const journey: { name: string; method: 'GET' | 'POST'; path: string; body?: string }[] = [
  { name: 'GET /v1/me', method: 'GET', path: '/v1/me' },
  { name: 'GET /v1/me/points', method: 'GET', path: '/v1/me/points' },
  { name: 'GET /v1/workouts/plans/active', method: 'GET', path: '/v1/workouts/plans/active' },
  {
    name: 'POST /v1/workouts/logs',
    method: 'POST',
    path: '/v1/workouts/logs',
    body: JSON.stringify({ exerciseId: 'bench-press', weightKg: 60, reps: 5 }),
  },
  { name: 'GET /v1/analytics/workouts', method: 'GET', path: '/v1/analytics/workouts?period=week' },
  { name: 'GET /v1/workouts/exercises', method: 'GET', path: '/v1/workouts/exercises?limit=20' },
  { name: 'GET /v1/me', method: 'GET', path: '/v1/me' },
  {
    name: 'POST /v1/workouts/logs',
    method: 'POST',
    path: '/v1/workouts/logs',
    body: JSON.stringify({ exerciseId: 'squat', weightKg: 80, reps: 5 }),
  },
];

const platform = await startPlatform({
  processes: true,
  replicas: { identity: 1, workout: 1, analytics: 1, gateway: 1 },
  env: { gateway: { RATE_LIMIT_MAX: '100000000', AUTH_RATE_LIMIT_MAX: '100000000' } },
});
let failed = false;
try {
  const api = apiClient(platform.gatewayUrl);
  const tokens: string[] = [];
  for (let i = 0; i < members; i += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, members - i) }, async () => {
        const member = await registerMember(api);
        await api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, member.accessToken);
        return member.accessToken;
      }),
    );
    tokens.push(...batch);
  }
  console.log(`${int(members)} members registered, each with a plan; ${durationS} s of their journey`);
  let next = 0;
  const latencies: number[] = [];
  const instance = autocannon({
    url: platform.gatewayUrl,
    connections: members,
    duration: durationS,
    overallRate: Math.max(1, Math.round(members / secondsPerRequest)),
    timeout: 10,
    initialContext: {},
    requests: journey.map(({ method, path, body }) => ({
      method,
      path,
      ...(body ? { body } : {}),
      setupRequest: (request, context) => {
        // Each connection is one member, for the whole run.
        context.token ??= tokens[next++ % tokens.length];
        return {
          ...request,
          headers: { authorization: `Bearer ${String(context.token)}`, 'content-type': 'application/json' },
        };
      },
    })),
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
    latencies.push(ms),
  );
  const result = await instance;
  const sorted = Float64Array.from(latencies).sort();
  const p99 = percentile(sorted, 99);
  console.log(
    `${int(result.requests.total)} requests, ${int(result.requests.total / result.duration)} req/s: ` +
      `p50 ${ms1(percentile(sorted, 50))}, p99 ${ms1(p99)} (target p99 < 200 ms: ${p99 < 200 ? 'met' : 'MISSED'})`,
  );
  const problems = problemsOf('journey', result);
  for (const problem of problems) console.error(problem);
  failed = problems.length > 0;
} finally {
  await platform.stop();
}
process.exit(failed ? 1 : 0);
