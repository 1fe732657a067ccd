import { createHash, randomUUID } from 'node:crypto';
import type { Cache, Database } from '@nxg/platform';
import {
  adminEnv,
  apiClient,
  onlineMachine,
  openGym,
  readEvents,
  registerMember,
  scanQr,
  startWorkoutPlanningStandIn,
  usePlatform,
  type ApiResponse,
  type WorkoutPlanningStandIn,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const withRedis = Boolean(process.env.REDIS_URL);

let standIn: WorkoutPlanningStandIn;
beforeAll(async () => {
  standIn = await startWorkoutPlanningStandIn();
});
afterAll(() => standIn?.close());

// With Redis, two gateways share the keys (a retry may land on the other replica); without it,
// one gateway keeps them in process.
const variants = [
  ...(withRedis ? [{ cache: 'redis', gateways: 2 }] : []),
  { cache: 'in-process', gateways: 1 },
] as const;

describe.each(variants)('Idempotency-Key on critical writes ($cache store)', ({ cache, gateways }) => {
  const { platform, api } = usePlatform({
    replicas: { gateway: gateways, 'machine-hub': 1, workout: 1 },
    env: {
      identity: adminEnv,
      gateway: cache === 'in-process' ? { REDIS_URL: '' } : {},
      get workout() {
        return { WORKOUT_AI_URL: standIn.baseUrl, WORKOUT_AI_API_KEY: standIn.apiKey };
      },
    },
  });
  const startedAt = new Date();
  /** The last gateway: with two, a retry lands on another replica than the first request. */
  const retryApi = () => apiClient(platform.gatewayUrls.at(-1)!);
  const dbOf = (service: string) => platform.services[service]![0]!.app!.kit.db as Database;
  const withKey = (key: string, token?: string) => ({
    headers: { 'idempotency-key': key },
    ...(token ? { token } : {}),
  });
  const count = async (service: string, sql: string, params: unknown[]) =>
    Number((await dbOf(service).query<{ n: string }>(sql, params))[0]!.n);
  const replayed = (r: ApiResponse) => r.headers.get('idempotent-replayed');

  it('registers once: a retried register answers the first account and tokens again', async () => {
    const key = randomUUID();
    const username = `idem_${Date.now().toString(36)}`;
    const body = {
      email: `${username}@example.test`,
      username,
      password: 'correct horse battery',
      name: 'Idem',
    };
    const first = await api.send('POST', '/v1/auth/register', { body, ...withKey(key) });
    expect(first.status).toBe(201);
    expect(replayed(first)).toBeNull();
    const again = await retryApi().send('POST', '/v1/auth/register', { body, ...withKey(key) });
    expect(again.status).toBe(201);
    expect(replayed(again)).toBe('true');
    expect(again.headers.get('content-type')).toContain('application/json');
    expect(again.body).toEqual(first.body);
    // Without the key the same body is a second attempt, refused as a duplicate: the replay did nothing.
    expect((await api.post('/v1/auth/register', body)).status).toBe(409);
    const events = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.registered',
      since: startedAt,
      where: (e) => e.subject === first.body.user.id,
      expect: 1,
    });
    expect(events).toHaveLength(1);
  });

  it('generates one plan: the retry gets the same plan, with one AI call, one row and one event', async () => {
    const member = await registerMember(api);
    const key = randomUUID();
    const callsBefore = standIn.count('/v1/plans/generate');
    const body = { daysPerWeek: 3, focus: 'upper' };
    const first = await api.send('POST', '/v1/workouts/plans/generate', {
      body,
      ...withKey(key, member.accessToken),
    });
    expect(first.status).toBe(201);
    const again = await retryApi().send('POST', '/v1/workouts/plans/generate', {
      body: { focus: 'upper', daysPerWeek: 3 }, // same body, keys in another order
      ...withKey(key, member.accessToken),
    });
    expect(again.status).toBe(201);
    expect(replayed(again)).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect(standIn.count('/v1/plans/generate') - callsBefore).toBe(1);
    expect(
      await count('workout', 'SELECT count(*) AS n FROM workout_plans WHERE user_id = $1', [member.user.id]),
    ).toBe(1);
    const events = await readEvents(platform.nc, {
      stream: 'WORKOUT',
      subject: 'workout.plan.generated',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(events).toHaveLength(1);
  });

  it('links once: a retried link answers the same link although its QR code is spent', async () => {
    const gym = await openGym(platform);
    const { machine, machineId } = await onlineMachine(platform, gym);
    try {
      const member = await registerMember(api);
      const key = randomUUID();
      const body = { qrToken: await scanQr(machine) };
      const first = await api.send('POST', '/v1/machines/link', {
        body,
        ...withKey(key, member.accessToken),
      });
      expect(first.status).toBe(200);
      const again = await retryApi().send('POST', '/v1/machines/link', {
        body,
        ...withKey(key, member.accessToken),
      });
      expect(again.status).toBe(200);
      expect(replayed(again)).toBe('true');
      expect(again.body.linkId).toBe(first.body.linkId);
      expect(
        await count('machine-hub', 'SELECT count(*) AS n FROM links WHERE machine_id = $1', [machineId]),
      ).toBe(1);
      const events = await readEvents(platform.nc, {
        stream: 'MACHINES',
        subject: `machines.${gym.branchId}.${machineId}.linked`,
        since: startedAt,
        expect: 1,
      });
      expect(events).toHaveLength(1);
    } finally {
      machine.close();
    }
  });

  it('refuses the same key with another body (422), a malformed key (400), and keeps keys per member', async () => {
    const member = await registerMember(api);
    const key = randomUUID();
    const log = (body: object, k: string = key, token = member.accessToken) =>
      api.send('POST', '/v1/workouts/logs', { body, ...withKey(k, token) });
    expect((await log({ exerciseId: 'bench-press', reps: 8, weightKg: 50 })).status).toBe(201);
    const other = await log({ exerciseId: 'bench-press', reps: 9, weightKg: 50 });
    expect(other.status).toBe(422);
    expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    for (const bad of ['', 'x'.repeat(201), 'has space', 'tab\there']) {
      const refused = await log({ exerciseId: 'bench-press', reps: 8 }, bad);
      expect(refused.status, JSON.stringify(bad)).toBe(400);
      expect(refused.body.code).toBe('IDEMPOTENCY_KEY_INVALID');
    }
    // Another member's identical key is theirs alone.
    const someoneElse = await registerMember(api);
    const theirs = await log(
      { exerciseId: 'bench-press', reps: 9, weightKg: 50 },
      key,
      someoneElse.accessToken,
    );
    expect(theirs.status).toBe(201);
    expect(replayed(theirs)).toBeNull();
    expect(
      await count('workout', 'SELECT count(*) AS n FROM workout_logs WHERE user_id = $1', [member.user.id]),
    ).toBe(1);
  });

  it('gives a 4xx answer again, but not a 5xx one: after an outage the retry is carried out', async () => {
    const member = await registerMember(api);
    const refused = await api.send('POST', '/v1/workouts/logs', {
      body: { exerciseId: 'no-such-exercise', reps: 1 },
      ...withKey('unknown-exercise-key', member.accessToken),
    });
    expect(refused.status).toBe(400);
    const refusedAgain = await retryApi().send('POST', '/v1/workouts/logs', {
      body: { exerciseId: 'no-such-exercise', reps: 1 },
      ...withKey('unknown-exercise-key', member.accessToken),
    });
    expect(refusedAgain.status).toBe(400);
    expect(refusedAgain.body.code).toBe('UNKNOWN_EXERCISE');
    expect(replayed(refusedAgain)).toBe('true');

    const workout = platform.services.workout![0]!;
    const key = randomUUID();
    const body = { exerciseId: 'leg-press', reps: 10, weightKg: 80 };
    await workout.stop();
    try {
      const down = await api.send('POST', '/v1/workouts/logs', { body, ...withKey(key, member.accessToken) });
      expect(down.status).toBeGreaterThanOrEqual(500);
    } finally {
      await workout.restart();
    }
    const retried = await api.send('POST', '/v1/workouts/logs', {
      body,
      ...withKey(key, member.accessToken),
    });
    expect(retried.status).toBe(201);
    expect(replayed(retried)).toBeNull();
  });

  it('carries out concurrent requests with one key once; the others are told it is in progress or replayed', async () => {
    const member = await registerMember(api);
    const key = randomUUID();
    const body = { exerciseId: 'bench-press', reps: 5, weightKg: 60 };
    const clients = [api, retryApi()];
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        clients[i % clients.length]!.send('POST', '/v1/workouts/logs', {
          body,
          ...withKey(key, member.accessToken),
        }),
      ),
    );
    const fresh = answers.filter((a) => a.status === 201 && !replayed(a));
    expect(fresh).toHaveLength(1);
    for (const a of answers) {
      expect([201, 409]).toContain(a.status);
      if (a.status === 409) expect(a.body.code).toBe('IDEMPOTENCY_KEY_IN_PROGRESS');
      if (a.status === 201) expect(a.body.id).toBe(fresh[0]!.body.id);
    }
    expect(
      await count('workout', 'SELECT count(*) AS n FROM workout_logs WHERE user_id = $1', [member.user.id]),
    ).toBe(1);
  });
  it('logs one set per key even when the gateway no longer holds the first answer', async () => {
    // As after a timeout while the first request was being committed: the gateway dropped its
    // record (a 5xx is not kept), the set exists, and the app retries with the same key.
    const member = await registerMember(api);
    const key = randomUUID();
    const body = { exerciseId: 'bench-press', reps: 6, weightKg: 70 };
    const first = await api.send('POST', '/v1/workouts/logs', { body, ...withKey(key, member.accessToken) });
    expect(first.status).toBe(201);
    const gatewayCache = platform.services.gateway![0]!.app!.kit.cache as Cache;
    const hashed = createHash('sha256').update(key).digest('hex');
    await gatewayCache.del(`idem:user:${member.user.id}:workout.logs.create:${hashed}`);

    const retried = await api.send('POST', '/v1/workouts/logs', {
      body,
      ...withKey(key, member.accessToken),
    });
    expect(retried.status).toBe(201);
    expect(replayed(retried)).toBeNull(); // carried out again by workout, which found the set
    expect(retried.body.id).toBe(first.body.id);
    expect(
      await count('workout', 'SELECT count(*) AS n FROM workout_logs WHERE user_id = $1', [member.user.id]),
    ).toBe(1);
    // Without a key, each request is a set of its own.
    for (let i = 0; i < 2; i++)
      expect((await api.post('/v1/workouts/logs', body, member.accessToken)).status).toBe(201);
    expect(
      await count('workout', 'SELECT count(*) AS n FROM workout_logs WHERE user_id = $1', [member.user.id]),
    ).toBe(3);
  });
});
