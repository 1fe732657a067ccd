import { jetstream } from '@nats-io/jetstream';
import { signedEventHeaders } from '@nxg/platform';
import {
  adminEnv,
  linkMember,
  onlineMachine,
  openGym,
  readEvents,
  registerMember,
  startPlatform,
  waitFor,
  type ApiClient,
  type Gym,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let platform: TestPlatform;
let api: ApiClient;
let gym: Gym;
let branchId: string;
const startedAt = new Date();

beforeAll(async () => {
  platform = await startPlatform({
    replicas: { 'machine-hub': 1, workout: 1 },
    env: { identity: adminEnv, workout: { SESSION_IDLE_TIMEOUT_S: '6', SESSION_SWEEP_INTERVAL_S: '1' } },
  });
  gym = await openGym(platform, 'Workout');
  ({ api, branchId } = gym);
});
afterAll(() => platform?.stop());

/** An online machine that keeps heartbeating, for tests that outlast the heartbeat window. */
const machineOf = (type: 'cardio' | 'strength') => onlineMachine(platform, gym, { type, heartbeats: true });

describe('gym sessions', () => {
  it('check in, once, and check out', async () => {
    const member = await registerMember(api);
    const checkIn = await api.post('/v1/sessions/check-in', { branchId }, member.accessToken);
    expect(checkIn.status).toBe(201);
    expect(checkIn.body).toMatchObject({ branchId, status: 'active', startedBy: 'check-in' });
    const again = await api.post('/v1/sessions/check-in', { branchId }, member.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('SESSION_ALREADY_ACTIVE');
    expect((await api.get('/v1/sessions/current', member.accessToken)).body.id).toBe(checkIn.body.id);
    const out = await api.post('/v1/sessions/check-out', undefined, member.accessToken);
    expect(out.status).toBe(200);
    expect(out.body).toMatchObject({ status: 'completed', endReason: 'check-out' });
    expect((await api.get('/v1/sessions/current', member.accessToken)).status).toBe(404);
    expect((await api.get('/v1/sessions', member.accessToken)).body.items).toHaveLength(1);
  });

  it('end by themselves when idle', async () => {
    const member = await registerMember(api);
    await api.post('/v1/sessions/check-in', { branchId }, member.accessToken);
    const ended = await waitFor(async () => {
      const list = await api.get('/v1/sessions', member.accessToken);
      return list.body.items[0]?.status === 'expired' ? list.body.items[0] : undefined;
    });
    expect(ended).toMatchObject({ endReason: 'idle' });
  });

  it('end when the branch closes', async () => {
    // Open on no day of the week: closed now, whatever the time.
    const closedBranch = await api.post(
      '/v1/branches',
      { name: `Closed ${Date.now()}`, address: 'x', openingHours: { mon: '00:00-00:01' } },
      gym.adminToken,
    );
    const member = await registerMember(api);
    expect(
      (await api.post('/v1/sessions/check-in', { branchId: closedBranch.body.id }, member.accessToken))
        .status,
    ).toBe(201);
    const ended = await waitFor(async () => {
      const list = await api.get('/v1/sessions', member.accessToken);
      return list.body.items[0]?.status === 'expired' ? list.body.items[0] : undefined;
    });
    expect(ended).toMatchObject({ endReason: 'branch_closed' });
  });
});

describe('a workout on a connected machine', () => {
  it('starts a session on link and logs each machine set exactly once', async () => {
    const { machine, machineId } = await machineOf('strength');
    const member = await registerMember(api);
    const { linkId } = await linkMember(api, machine, member.accessToken);

    const session = await waitFor(async () => {
      const current = await api.get('/v1/sessions/current', member.accessToken);
      return current.status === 200 ? current.body : undefined;
    });
    expect(session).toMatchObject({ startedBy: 'machine-link', branchId, machinesUsed: [machineId] });

    const set = machine.send({
      type: 'set.completed',
      linkId,
      exercise: 'Leg press',
      reps: 10,
      weightKg: 100,
      durationS: 40,
    });
    await machine.reply(set.id);
    const logs = await waitFor(async () => {
      const page = await api.get('/v1/workouts/logs', member.accessToken);
      return page.body.items.length ? page.body.items : undefined;
    });
    expect(logs).toEqual([
      expect.objectContaining({
        exerciseId: 'leg-press',
        exerciseName: 'Leg press',
        reps: 10,
        weightKg: 100,
        source: 'machine',
        machineId,
        sessionId: session.id,
      }),
    ]);

    // JetStream redelivers (here: the same event published again under a new message id).
    const [event] = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${branchId}.${machineId}.set_completed`,
      since: startedAt,
      expect: 1,
    });
    // Signed as machine-hub's relay signs it (an unsigned copy would be dropped, not deduplicated).
    const again = `machines.${branchId}.${machineId}.set_completed`;
    const payload = new TextEncoder().encode(JSON.stringify(event));
    await jetstream(platform.nc).publish(again, payload, {
      msgID: crypto.randomUUID(),
      headers: signedEventHeaders(platform.busAs('machine-hub'), again, payload),
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect((await api.get('/v1/workouts/logs', member.accessToken)).body.items).toHaveLength(1);
    const logged = await readEvents(platform.nc, {
      stream: 'WORKOUT',
      subject: 'workout.exercise.logged',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      quietMs: 1000,
    });
    expect(logged).toHaveLength(1);

    const other = await registerMember(api);
    expect((await api.get('/v1/workouts/logs', other.accessToken)).body.items).toEqual([]);
    expect((await api.post('/v1/sessions/check-out', undefined, member.accessToken)).body.status).toBe(
      'completed',
    );
    machine.close();
  });

  it("puts the member's planned exercises for that machine type in the linked frame", async () => {
    const member = await registerMember(api);
    const plan = await api.post(
      '/v1/workouts/plans/generate',
      { focus: 'cardio', daysPerWeek: 3 },
      member.accessToken,
    );
    expect(plan.status).toBe(201);
    const { machine } = await machineOf('cardio');
    machine.send({ type: 'qr.request' });
    const qr = (await machine.next((m) => m.type === 'qr')).token;
    await api.post('/v1/machines/link', { qrToken: qr }, member.accessToken);
    const linked = await machine.next((m) => m.type === 'linked');
    const planned = linked.plan as { exerciseId: string }[];
    expect(planned.length).toBeGreaterThan(0);
    expect(
      planned.every((e) =>
        [
          'treadmill-run',
          'treadmill-incline-walk',
          'stationary-bike',
          'bike-intervals',
          'rowing-machine',
          'elliptical',
          'stair-climber',
        ].includes(e.exerciseId),
      ),
    ).toBe(true);
    machine.close();
  });
});

describe('manual logs and plans', () => {
  it('logs by hand, lists by date range, and refuses what is wrong', async () => {
    const member = await registerMember(api);
    const early = await api.post(
      '/v1/workouts/logs',
      { exerciseId: 'push-up', reps: 20, performedAt: '2026-01-05T10:00:00.000Z' },
      member.accessToken,
    );
    expect(early.status).toBe(201);
    await api.post(
      '/v1/workouts/logs',
      { exerciseId: 'plank', durationS: 60, performedAt: '2026-02-05T10:00:00.000Z' },
      member.accessToken,
    );
    const january = await api.get(
      '/v1/workouts/logs?from=2026-01-01T00:00:00.000Z&to=2026-02-01T00:00:00.000Z',
      member.accessToken,
    );
    expect(january.body.items.map((l: { exerciseId: string }) => l.exerciseId)).toEqual(['push-up']);
    const unknown = await api.post(
      '/v1/workouts/logs',
      { exerciseId: 'moon-walk', reps: 1 },
      member.accessToken,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('UNKNOWN_EXERCISE');
  });

  it('generates a fallback plan without an AI service, and keeps customizations on regeneration', async () => {
    const member = await registerMember(api);
    const first = await api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, member.accessToken);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ source: 'fallback', daysPerWeek: 3, active: true });
    expect(first.body.days).toHaveLength(3);
    const firstExercise = first.body.days[0].exercises[0].exerciseId;
    const customized = await api.patch(
      `/v1/workouts/plans/${first.body.id}`,
      { customizations: { exercises: { [firstExercise]: { sets: 1 } } } },
      member.accessToken,
    );
    expect(customized.status).toBe(200);
    expect(customized.body.effectiveDays[0].exercises[0].sets).toBe(1);
    const second = await api.post('/v1/workouts/plans/generate', { daysPerWeek: 3 }, member.accessToken);
    expect(second.body.customizations).toEqual({ exercises: { [firstExercise]: { sets: 1 } } });
    const active = await api.get('/v1/workouts/plans/active', member.accessToken);
    expect(active.body.id).toBe(second.body.id);
    const other = await registerMember(api);
    const foreign = await api.patch(
      `/v1/workouts/plans/${second.body.id}`,
      { customizations: {} },
      other.accessToken,
    );
    expect(foreign.status).toBe(404);
  });

  it('serves the exercise library', async () => {
    const member = await registerMember(api);
    const cardio = await api.get('/v1/workouts/exercises?machineType=cardio&limit=50', member.accessToken);
    expect(cardio.body.items.length).toBeGreaterThanOrEqual(5);
    expect(cardio.body.items.every((e: { machineType: string }) => e.machineType === 'cardio')).toBe(true);

    // Search by name (word beginnings), filtered by muscle, equipment and level.
    const found = await api.get(
      '/v1/workouts/exercises?q=lat%20pull&muscle=lats&equipment=cable',
      member.accessToken,
    );
    expect(found.status).toBe(200);
    expect(found.body.items.slice(0, 3).map((e: { id: string }) => e.id)).toContain('lat-pulldown');
    expect(found.body.items[0]).toMatchObject({ primaryMuscles: ['lats'], equipment: 'cable' });
    const advanced = await api.get(
      '/v1/workouts/exercises?level=advanced&muscleGroup=legs&limit=5',
      member.accessToken,
    );
    expect(advanced.body.items).toHaveLength(5);
    expect(advanced.body.items.every((e: { level: string }) => e.level === 'advanced')).toBe(true);
    const none = await api.get('/v1/workouts/exercises?q=zzzqqqxx', member.accessToken);
    expect(none.body).toEqual({ items: [], nextCursor: null });

    // Unknown filter values are refused with a stable code, naming the field.
    for (const query of ['muscle=wings', 'equipment=spaceship', 'level=godlike', 'muscleGroup=toes']) {
      const refused = await api.get(`/v1/workouts/exercises?${query}`, member.accessToken);
      expect(refused.status).toBe(400);
      expect(refused.body.code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(refused.body.errors)).toContain(query.split('=')[0]);
    }
  });

  it('pages through the whole library, 873 exercises and the curated ones, each once', async () => {
    const member = await registerMember(api);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api.get(
        `/v1/workouts/exercises?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        member.accessToken,
      );
      seen.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toHaveLength(880);
    expect(new Set(seen).size).toBe(880);
    expect(seen).toContain('leg-press');
    const bad = await api.get('/v1/workouts/exercises?cursor=WyJ4Il0', member.accessToken);
    expect(bad.body.code).toBe('INVALID_CURSOR');
  });
});
