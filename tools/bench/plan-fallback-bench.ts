/**
 * DESIGN.md §10: "an AI service down still yields a plan (fallback) in under 200 ms". Starts the
 * platform with workout pointed at a stand-in planning service that stalls, lets the breaker open,
 * then times plan generation through the gateway and prints p50/p99.
 *   NATS_URL=... DATABASE_URL=... REDIS_URL=... node tools/bench/plan-fallback-bench.ts
 */
import { apiClient, registerMember, startPlatform, startWorkoutPlanningStandIn } from '@nxg/testing';

const SAMPLES = 200;
const TARGET_MS = 200;

const standIn = await startWorkoutPlanningStandIn();
standIn.behave({ mode: 'slow', delayMs: 60_000 });
const platform = await startPlatform({
  replicas: { workout: 1 },
  env: {
    gateway: { RATE_LIMIT_MAX: '1000000', AUTH_RATE_LIMIT_MAX: '1000000' },
    workout: {
      WORKOUT_AI_URL: standIn.baseUrl,
      WORKOUT_AI_API_KEY: standIn.apiKey,
      WORKOUT_AI_TIMEOUT_MS: '1000',
    },
  },
});
try {
  const api = apiClient(platform.gatewayUrl);
  const member = await registerMember(api);
  const generate = () => api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, member.accessToken);
  // Calls time out until the breaker opens.
  let tripped = 0;
  while (tripped < 20) {
    const started = Date.now();
    await generate();
    tripped += 1;
    if (Date.now() - started < 100) break;
  }
  const calls = standIn.count('/v1/plans/generate');
  const latencies: number[] = [];
  const sources = new Map<string, number>();
  for (let i = 0; i < SAMPLES; i++) {
    const started = performance.now();
    const answer = await generate();
    latencies.push(performance.now() - started);
    sources.set(answer.body.source, (sources.get(answer.body.source) ?? 0) + 1);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  console.log(
    `breaker opened after ${tripped} slow call(s); planning-service calls during the run: ${standIn.count('/v1/plans/generate') - calls}`,
  );
  console.log(`plans: ${[...sources].map(([s, n]) => `${n} ${s}`).join(', ')}`);
  console.log(
    `latency over ${SAMPLES} sequential plans: p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${latencies.at(-1)!.toFixed(1)} ms`,
  );
  console.log(`target p99 < ${TARGET_MS} ms: ${at(0.99) < TARGET_MS ? 'met' : 'NOT met'}`);
} finally {
  await platform.stop();
  await standIn.close();
}
