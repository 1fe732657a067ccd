/**
 * What Prometheus scrapes from each service's health port (`GET /metrics`) after a member's and a
 * machine's journey: RED per operation, consumers' backlog and outcomes, the outbox backlog,
 * external calls by outcome, the hub's sockets and frames and the gateway's live feeds — and that
 * none of it is served through a load balancer.
 */
import {
  adminEnv,
  apiClient,
  connectLive,
  linkMember,
  onlineMachine,
  openGym,
  registerMember,
  startPlatform,
  startWorkoutPlanningStandIn,
  waitFor,
  type TestPlatform,
  type WorkoutPlanningStandIn,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let standIn: WorkoutPlanningStandIn;
let platform: TestPlatform;

beforeAll(async () => {
  standIn = await startWorkoutPlanningStandIn();
  platform = await startPlatform({
    replicas: { identity: 1, 'machine-hub': 1, workout: 1, analytics: 1, gateway: 1 },
    env: {
      identity: adminEnv,
      workout: { WORKOUT_AI_URL: standIn.baseUrl, WORKOUT_AI_API_KEY: standIn.apiKey },
    },
  });
}, 120_000);

afterAll(async () => {
  await platform?.stop();
  await standIn?.close();
});

const scrape = async (service: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`${platform.services[service]![0]!.url}/metrics`, { headers });
  return { status: response.status, type: response.headers.get('content-type'), text: await response.text() };
};

/** The value of the first sample named `name` whose labels include every `labels` pair. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      [...(match[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

describe('GET /metrics on each service’s health port', () => {
  it('counts what the journeys did, per operation, consumer, external service and socket', async () => {
    const api = apiClient(platform.gatewayUrl);
    const gym = await openGym(platform, 'Metrics');
    const member = await registerMember(api);
    const token = member.accessToken;
    expect((await api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, token)).body.source).toBe('ai');
    expect(
      (await api.post('/v1/workouts/logs', { exerciseId: 'bench-press', weightKg: 60, reps: 5 }, token))
        .status,
    ).toBe(201);
    await waitFor(async () => (await api.get('/v1/me/points', token)).body.total > 0);
    const { machine } = await onlineMachine(platform, gym);
    await linkMember(api, machine, token);
    const live = connectLive(platform.gatewayUrl, token);
    await live.opened;

    const identity = await scrape('identity');
    expect(identity.type).toMatch(/^text\/plain/);
    expect(
      sample(identity.text, 'nxg_operation_duration_seconds_count', {
        operation: 'identity.register',
        outcome: 'ok',
        service: 'identity',
      }),
    ).toBeGreaterThanOrEqual(1);

    const workout = await scrape('workout');
    expect(
      sample(workout.text, 'nxg_operation_duration_seconds_count', {
        operation: 'workout.logs.create',
        outcome: 'ok',
      }),
    ).toBe(1);
    expect(
      sample(workout.text, 'nxg_external_calls_total', { external: 'workout-planning', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(1);
    // The set's event has left the outbox.
    await waitFor(async () => sample((await scrape('workout')).text, 'nxg_outbox_backlog') === 0);

    await waitFor(async () => {
      const analytics = (await scrape('analytics')).text;
      return (
        (sample(analytics, 'nxg_consumer_messages_total', {
          consumer: 'analytics_logged_sets',
          outcome: 'ack',
        }) ?? 0) >= 1 &&
        sample(analytics, 'nxg_consumer_pending_messages', { consumer: 'analytics_logged_sets' }) !==
          undefined
      );
    });

    const hub = (await scrape('machine-hub')).text;
    expect(sample(hub, 'nxg_hub_sockets')).toBe(1);
    expect(sample(hub, 'nxg_hub_frames_total', { type: 'hello' })).toBe(1);
    expect(sample(hub, 'nxg_hub_frames_total', { type: 'qr.request' })).toBeGreaterThanOrEqual(1);

    expect(sample((await scrape('gateway')).text, 'nxg_gateway_live_sockets')).toBe(1);
    live.close();
    machine.close();
  });

  it('is not served through a load balancer (a request with X-Forwarded-For)', async () => {
    expect((await scrape('gateway', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(404);
    expect((await scrape('machine-hub', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(404);
  });
});
