import { jetstreamManager } from '@nats-io/jetstream';
import { MachineCloseCodes, machineSessionId } from '@nxg/contracts';
import { RevocationWriter } from '@nxg/platform';
import {
  adminEnv,
  connectLive,
  connectMachine,
  linkMember,
  readEvents,
  onlineMachine as onlineMachineFixture,
  openGym,
  registerMember,
  scanQr,
  startPlatform,
  type ApiClient,
  type Gym,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let platform: TestPlatform;
let api: ApiClient;
let adminToken: string;
let branchId: string;
let gym: Gym;
const startedAt = new Date();

beforeAll(async () => {
  platform = await startPlatform({ replicas: { 'machine-hub': 1 }, env: { identity: adminEnv } });
  gym = await openGym(platform, 'Hub');
  ({ api, adminToken, branchId } = gym);
});
afterAll(() => platform?.stop());

/** A provisioned, connected, greeted machine (the shared fixture, checked for the hub's welcome). */
async function onlineMachine(name = 'Treadmill') {
  const online = await onlineMachineFixture(platform, gym, { name });
  expect(online.welcome).toMatchObject({ machineId: online.machineId, heartbeatIntervalS: 2 });
  return online;
}

describe('a member trains on a connected machine', () => {
  it('links by QR, sees telemetry live, logs a set once, and unlinks', async () => {
    const { machine, machineId } = await onlineMachine();
    const member = await registerMember(api, { name: 'Grace Hopper' });
    const live = connectLive(platform.gatewayUrl, member.accessToken);
    await live.next((m) => m.type === 'ready');

    const linked = await api.post(
      '/v1/machines/link',
      { qrToken: await scanQr(machine) },
      member.accessToken,
    );
    expect(linked.status).toBe(200);
    expect(linked.body.machine).toMatchObject({ id: machineId, status: 'occupied' });
    const linkId = linked.body.linkId as string;
    expect(await machine.next((m) => m.type === 'linked')).toMatchObject({
      linkId,
      member: { displayName: 'Grace' },
    });
    expect(await live.next((m) => m.type === 'linked')).toMatchObject({ data: { linkId } });

    const telemetry = machine.send({
      type: 'telemetry',
      linkId,
      metrics: { speedKph: 10.5, heartRate: 142, distanceM: 1200 },
    });
    expect((await machine.reply(telemetry.id)).type).toBe('ack');
    expect(await live.next((m) => m.type === 'telemetry')).toMatchObject({
      data: { linkId, machineId, metrics: { speedKph: 10.5, heartRate: 142 } },
    });
    // Telemetry is kept in a stream of its own (short retention), not among the machine events.
    const samples = await readEvents(platform.nc, {
      stream: 'TELEMETRY',
      subject: `telemetry.${branchId}.${machineId}`,
      since: startedAt,
      expect: 1,
    });
    expect(samples.map((e) => e.data)).toMatchObject([
      { frameId: telemetry.id, metrics: { speedKph: 10.5 } },
    ]);

    const set = machine.send({
      type: 'set.completed',
      linkId,
      exercise: 'Leg press',
      reps: 12,
      weightKg: 80,
      durationS: 45,
    });
    expect((await machine.reply(set.id)).type).toBe('ack');
    // Resent after a "reconnect": acknowledged again, no second effect.
    machine.sendRaw(JSON.stringify(set));
    expect((await machine.reply(set.id)).type).toBe('ack');
    const sets = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${branchId}.${machineId}.set_completed`,
      since: startedAt,
      expect: 1,
    });
    expect(sets).toHaveLength(1);
    expect(sets[0]!.data).toMatchObject({ userId: member.user.id, reps: 12, weightKg: 80, frameId: set.id });
    // Its message id comes from the machine frame, so however often it is relayed it lands once.
    const stored = await (
      await jetstreamManager(platform.nc)
    ).streams.getMessage(platform.ns.stream('MACHINES'), {
      last_by_subj: platform.ns.subject(`machines.${branchId}.${machineId}.set_completed`),
    });
    expect(stored?.header.get('Nats-Msg-Id')).toBe(`${machineId}:${set.id}`);

    expect((await api.post('/v1/machines/unlink', { machineId }, member.accessToken)).status).toBe(204);
    expect(await machine.next((m) => m.type === 'unlinked')).toMatchObject({ linkId, reason: 'member' });
    expect(await live.next((m) => m.type === 'unlinked')).toMatchObject({
      data: { linkId, reason: 'member' },
    });
    // The unlinked event carries the machine workout's totals, summed by the hub from the link's
    // telemetry and sets (the member's unlink was served after the socket's totals were persisted).
    const [unlinked] = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${branchId}.${machineId}.unlinked`,
      since: startedAt,
      expect: 1,
    });
    expect(unlinked).toMatchObject({ dataVersion: 2 });
    expect(unlinked!.data).toMatchObject({
      linkId,
      workout: {
        machineName: 'Treadmill',
        machineType: 'cardio',
        distanceM: 1200,
        kcal: null,
        avgHeartRate: 142,
        maxHeartRate: 142,
        sets: 1,
        reps: 12,
        samples: 1,
      },
    });
    expect((unlinked!.data as { workout: { durationS: number } }).workout.durationS).toBeGreaterThanOrEqual(
      0,
    );
    const list = await api.get(`/v1/branches/${branchId}/machines?limit=100`, member.accessToken);
    expect(list.body.items.find((m: { id: string }) => m.id === machineId).status).toBe('available');
    machine.close();
    live.close();
  });

  it('carries a workout’s totals over a reconnect', async () => {
    const { machine, machineId, machineToken } = await onlineMachine('Rower');
    const member = await registerMember(api);
    const { linkId } = await linkMember(api, machine, member.accessToken);
    const before = machine.send({ type: 'telemetry', linkId, metrics: { distanceM: 400, heartRate: 120 } });
    expect((await machine.reply(before.id)).type).toBe('ack');
    // The network drops; the machine connects again and carries on with the same link.
    machine.close();
    const again = connectMachine(platform.hubUrls[0]!, machineToken);
    await again.opened;
    const hello = again.send({ type: 'hello', firmware: '1.2.3', capabilities: ['telemetry'] });
    await again.reply(hello.id);
    expect(await again.next((m) => m.type === 'linked')).toMatchObject({ linkId });
    const after = again.send({ type: 'telemetry', linkId, metrics: { distanceM: 900, heartRate: 140 } });
    expect((await again.reply(after.id)).type).toBe('ack');
    const unlink = again.send({ type: 'unlink', linkId });
    expect(await again.reply(unlink.id)).toMatchObject({ type: 'ack' });
    const [unlinked] = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${branchId}.${machineId}.unlinked`,
      since: startedAt,
      expect: 1,
    });
    expect(unlinked!.data).toMatchObject({
      reason: 'machine',
      workout: { distanceM: 900, avgHeartRate: 130, maxHeartRate: 140, samples: 2 },
    });
    again.close();
  });

  it('pushes a telemetry frame live once when its first publish failed and the machine resent it', async () => {
    const { machine, machineId } = await onlineMachine('Stepper');
    const member = await registerMember(api);
    const live = connectLive(platform.gatewayUrl, member.accessToken);
    await live.next((m) => m.type === 'ready');
    const { linkId } = await linkMember(api, machine, member.accessToken);
    const isTelemetryOf = (frameId: string) => (m: { type: string; data?: unknown }) =>
      m.type === 'telemetry' && (m.data as { frameId?: string }).frameId === frameId;

    // JetStream refuses the frame (too large for the stream for a moment): no PubAck, no ack.
    const jsm = await jetstreamManager(platform.nc);
    const stream = platform.ns.stream('TELEMETRY');
    const { config } = await jsm.streams.info(stream);
    await jsm.streams.update(stream, { ...config, max_msg_size: 64 });
    const frame = machine.send({ type: 'telemetry', linkId, metrics: { speedKph: 8 } });
    expect(await machine.reply(frame.id)).toMatchObject({ type: 'error', code: 'INTERNAL' });
    // It was pushed live before its publish failed.
    await live.next(isTelemetryOf(frame.id));

    await jsm.streams.update(stream, config);
    machine.sendRaw(JSON.stringify(frame));
    expect((await machine.reply(frame.id)).type).toBe('ack');
    const next = machine.send({ type: 'telemetry', linkId, metrics: { speedKph: 9 } });
    expect((await machine.reply(next.id)).type).toBe('ack');
    await live.next(isTelemetryOf(next.id));
    // Stored once (by the resend), shown once (by the first attempt).
    expect(live.received.filter(isTelemetryOf(frame.id))).toHaveLength(1);
    const stored = await readEvents(platform.nc, {
      stream: 'TELEMETRY',
      subject: `telemetry.${branchId}.${machineId}`,
      since: startedAt,
      expect: 2,
    });
    expect(stored.map((e) => (e.data as { frameId: string }).frameId)).toEqual([frame.id, next.id]);
    machine.close();
    live.close();
  });

  it('closes a socket whose token is revoked in the bucket alone (no command to the hub)', async () => {
    // Two sockets checked by earlier sweeps; the revocation then names one of them.
    const revoked = await onlineMachine('Revoked');
    const kept = await onlineMachine('Kept');
    await new Promise((r) => setTimeout(r, 1200));
    await new RevocationWriter(platform.busAs('machine-hub')).revoke(
      `sid.${machineSessionId(revoked.machineId, 1)}`,
      { at: Date.now() },
    );
    expect(await revoked.machine.closed).toMatchObject({ code: MachineCloseCodes.CREDENTIALS_REVOKED });
    const heartbeat = kept.machine.send({ type: 'heartbeat' });
    expect((await kept.machine.reply(heartbeat.id)).type).toBe('ack');
    kept.machine.close();
  });

  it('keeps one member per machine and one machine per member, and QR codes single use', async () => {
    const first = await onlineMachine('Bike');
    const second = await onlineMachine('Rower');
    const alice = await registerMember(api);
    const bob = await registerMember(api);
    const qr = await scanQr(first.machine);
    expect((await api.post('/v1/machines/link', { qrToken: qr }, alice.accessToken)).status).toBe(200);

    const reused = await api.post('/v1/machines/link', { qrToken: qr }, bob.accessToken);
    expect(reused.status).toBe(409);
    expect(reused.body.code).toBe('QR_TOKEN_USED');
    const occupied = await api.post(
      '/v1/machines/link',
      { qrToken: await scanQr(first.machine) },
      bob.accessToken,
    );
    expect(occupied.status).toBe(409);
    expect(occupied.body.code).toBe('MACHINE_OCCUPIED');
    const twice = await api.post(
      '/v1/machines/link',
      { qrToken: await scanQr(second.machine) },
      alice.accessToken,
    );
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe('ALREADY_LINKED');
    const forged = await api.post(
      '/v1/machines/link',
      { qrToken: `${qr.split('.')[0]}.forged-signature` },
      bob.accessToken,
    );
    expect(forged.status).toBe(400);
    expect(forged.body.code).toBe('QR_TOKEN_INVALID');
    first.machine.close();
    second.machine.close();
  });

  it('ends the link when the machine misses its heartbeats', async () => {
    const { machine, machineId } = await onlineMachine('Cable station');
    const member = await registerMember(api);
    const live = connectLive(platform.gatewayUrl, member.accessToken);
    await live.next((m) => m.type === 'ready');
    const linked = await api.post(
      '/v1/machines/link',
      { qrToken: await scanQr(machine) },
      member.accessToken,
    );
    expect(linked.status).toBe(200);
    // Say nothing: heartbeats every 2 s are expected.
    expect((await machine.closed).code).toBe(4408);
    expect(await live.next((m) => m.type === 'unlinked', 15_000)).toMatchObject({
      data: { machineId, reason: 'heartbeat_lost' },
    });
    const list = await api.get(`/v1/branches/${branchId}/machines?limit=100`, member.accessToken);
    expect(list.body.items.find((m: { id: string }) => m.id === machineId).status).toBe('offline');
    live.close();
  });

  it('cannot be linked while in maintenance, and maintenance ends a link', async () => {
    const { machine, machineId } = await onlineMachine('Squat rack');
    const member = await registerMember(api);
    expect(
      (await api.post('/v1/machines/link', { qrToken: await scanQr(machine) }, member.accessToken)).status,
    ).toBe(200);
    const down = await api.patch(`/v1/machines/${machineId}`, { status: 'maintenance' }, adminToken);
    expect(down.status).toBe(200);
    expect(down.body.status).toBe('maintenance');
    expect(await machine.next((m) => m.type === 'unlinked')).toMatchObject({ reason: 'maintenance' });
    const refused = await api.post(
      '/v1/machines/link',
      { qrToken: await scanQr(machine) },
      member.accessToken,
    );
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('MACHINE_UNAVAILABLE');
    const logged = await api.post(
      `/v1/machines/${machineId}/maintenance`,
      { type: 'repair', notes: 'New belt' },
      adminToken,
    );
    expect(logged.status).toBe(201);
    const log = await api.get(`/v1/machines/${machineId}/maintenance`, adminToken);
    expect(log.body.items).toEqual([expect.objectContaining({ type: 'repair', notes: 'New belt' })]);
    machine.close();
  });
});

describe('staff watch their branch live', () => {
  it('sees machine status changes of the branch it runs, and no other', async () => {
    const live = connectLive(platform.gatewayUrl, adminToken, `?branchId=${branchId}`);
    await live.next((m) => m.type === 'ready');
    const { machine, machineId } = await onlineMachine('Watched');
    expect(
      await live.next(
        (m) => m.type === 'machine.status' && (m.data as { machineId: string }).machineId === machineId,
      ),
    ).toMatchObject({
      data: { status: 'available', branchId },
    });
    machine.send({ type: 'status', status: 'fault' });
    expect(
      await live.next(
        (m) => m.type === 'machine.status' && (m.data as { machineId: string }).machineId === machineId,
      ),
    ).toMatchObject({
      data: { status: 'maintenance' },
    });
    const member = await registerMember(api);
    const nosy = connectLive(platform.gatewayUrl, member.accessToken, `?branchId=${branchId}`);
    expect((await nosy.closed).code).toBe(4403);
    machine.close();
    live.close();
  });
});

describe('the machine socket refuses what it should', () => {
  it('answers bad frames with error frames and stays open', async () => {
    const { machine } = await onlineMachine('Bench');
    machine.sendRaw('{not json');
    expect(await machine.next((m) => m.type === 'error')).toMatchObject({ code: 'MALFORMED_FRAME' });
    const unknown = machine.send({ type: 'self-destruct' });
    expect(await machine.reply(unknown.id)).toMatchObject({ type: 'error', code: 'UNKNOWN_FRAME_TYPE' });
    const invalid = machine.send({ type: 'telemetry', linkId: 'nope', metrics: { speedKph: 'fast' } });
    expect(await machine.reply(invalid.id)).toMatchObject({ type: 'error', code: 'INVALID_FRAME' });
    const unlinked = machine.send({
      type: 'telemetry',
      linkId: crypto.randomUUID(),
      metrics: { speedKph: 5 },
    });
    expect(await machine.reply(unlinked.id)).toMatchObject({ type: 'error', code: 'NOT_LINKED' });
    const heartbeat = machine.send({ type: 'heartbeat' });
    expect((await machine.reply(heartbeat.id)).type).toBe('ack');
    machine.close();
  });

  it('closes with 4401 without a valid token, and for a member token (not a machine audience)', async () => {
    const none = connectMachine(platform.hubUrls[0]!, 'garbage');
    expect((await none.closed).code).toBe(4401);
    const member = await registerMember(api);
    const memberToken = connectMachine(platform.hubUrls[0]!, member.accessToken);
    expect((await memberToken.closed).code).toBe(4401);
  });

  it('refuses machine tokens on member routes (their audience is the machines’) and wrong secrets', async () => {
    const { machine, machineToken, machineId } = await onlineMachine('Dumbbells');
    const asMember = await api.get('/v1/me', machineToken);
    expect(asMember.status).toBe(401);
    expect(asMember.body.code).toBe('TOKEN_INVALID');
    const live = connectLive(platform.gatewayUrl, machineToken);
    expect((await live.closed).code).toBe(4401);
    const wrong = await api.post('/v1/machines/token', { machineId, secret: 'x'.repeat(32) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_MACHINE_CREDENTIALS');
    machine.close();
  });

  it('never lets a machine speak for another machine’s link', async () => {
    const mine = await onlineMachine('Mine');
    const theirs = await onlineMachine('Theirs');
    const member = await registerMember(api);
    const linked = await api.post(
      '/v1/machines/link',
      { qrToken: await scanQr(theirs.machine) },
      member.accessToken,
    );
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    const spoof = mine.machine.send({
      type: 'telemetry',
      linkId: linked.body.linkId,
      metrics: { speedKph: 99 },
    });
    expect(await mine.machine.reply(spoof.id)).toMatchObject({ type: 'error', code: 'NOT_LINKED' });
    const unlinkSpoof = mine.machine.send({ type: 'unlink', linkId: linked.body.linkId });
    await mine.machine.reply(unlinkSpoof.id);
    const list = await api.get(`/v1/branches/${branchId}/machines?limit=100`, member.accessToken);
    expect(list.body.items.find((m: { id: string }) => m.id === theirs.machineId).status).toBe('occupied');
    expect(theirs.machine.received.some((m) => m.type === 'unlinked')).toBe(false);
    mine.machine.close();
    theirs.machine.close();
  });

  it('caps frame size and throttles a flood', async () => {
    const big = await onlineMachine('Big talker');
    big.machine.sendRaw(
      JSON.stringify({ type: 'heartbeat', id: crypto.randomUUID(), ts: Date.now(), pad: 'x'.repeat(20_000) }),
    );
    expect((await big.machine.closed).code).toBe(1009);

    const flood = await onlineMachine('Flooder');
    for (let i = 0; i < 300; i++) flood.machine.send({ type: 'heartbeat' });
    const closed = await flood.machine.closed;
    expect(flood.machine.received.some((m) => m.type === 'error' && m.code === 'RATE_LIMITED')).toBe(true);
    expect(closed.code).toBe(4429);
  });

  it('lets only branch admins manage machines', async () => {
    const member = await registerMember(api);
    const byMember = await api.post(
      `/v1/branches/${branchId}/machines`,
      { name: 'X', type: 'strength', location: 'Y' },
      member.accessToken,
    );
    expect(byMember.status).toBe(403);
  });
});
