import {
  adminEnv,
  connectLive,
  fixtureSecrets,
  linkMember,
  onlineMachine,
  openGym,
  registerMember,
  usePlatform,
  waitFor,
  type Gym,
} from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';

// What the staff dashboard reads: the branch's active links with names, its live feed, and who is
// in the gym (workout).
const { platform, api } = usePlatform({
  replicas: { 'machine-hub': 1, workout: 1 },
  env: { identity: adminEnv },
});
let gym: Gym;
let otherGym: Gym;

/** A fresh account made staff of `gym` with `role`, signed in again so its token carries the role. */
async function staffOf(target: Gym, role: 'trainer' | 'branch_admin') {
  const account = await registerMember(api, { name: 'Sam Staff' });
  const assigned = await api.put(
    `/v1/branches/${target.branchId}/staff/${account.user.id}`,
    { role },
    target.adminToken,
  );
  expect(assigned.status).toBe(200);
  const login = await api.post('/v1/auth/login', {
    login: account.email,
    password: fixtureSecrets.memberPassword,
  });
  expect(login.status).toBe(200);
  return login.body.accessToken as string;
}

beforeAll(async () => {
  gym = await openGym(platform, 'Staff board');
  otherGym = await openGym(platform, 'Elsewhere');
});

describe("a branch's staff watching its machines", () => {
  it('see who is on each machine by first name, and follow links, figures and heartbeats live', async () => {
    const trainer = await staffOf(gym, 'trainer');
    const feed = connectLive(platform.gatewayUrl, trainer, `?branchId=${gym.branchId}`);
    await feed.next((m) => m.type === 'ready');

    const { machine, machineId } = await onlineMachine(platform, gym, { name: 'Treadmill 7' });
    const member = await registerMember(api, { name: 'Ada Lovelace' });
    const { linkId } = await linkMember(api, machine, member.accessToken);

    const linked = await feed.next((m) => m.type === 'machine.linked');
    expect(linked.data).toMatchObject({ machineId, linkId, userId: member.user.id, displayName: 'Ada' });
    expect(
      (
        await feed.next(
          (m) => m.type === 'machine.status' && (m.data as { status: string }).status === 'occupied',
        )
      ).data,
    ).toMatchObject({ machineId });

    const links = await api.get(`/v1/branches/${gym.branchId}/links`, trainer);
    expect(links.status).toBe(200);
    expect(links.body.items).toEqual([
      { linkId, machineId, userId: member.user.id, displayName: 'Ada', since: expect.any(String) },
    ]);

    // Staff get the front desk's figures, not the member's whole telemetry.
    machine.send({
      type: 'telemetry',
      linkId,
      metrics: { speedKph: 9.5, heartRate: 141, powerW: 180, distanceM: 1200, calories: 80 },
    });
    const telemetry = await feed.next((m) => m.type === 'machine.telemetry');
    expect(telemetry.data).toMatchObject({
      machineId,
      linkId,
      metrics: { speedKph: 9.5, heartRate: 141, powerW: 180 },
    });
    expect(Object.keys((telemetry.data as { metrics: object }).metrics).sort()).toEqual([
      'heartRate',
      'powerW',
      'speedKph',
    ]);

    // A machine sending fast still gives the desk one reading a second.
    for (const speedKph of [9.6, 9.7]) {
      const frame = machine.send({ type: 'telemetry', linkId, metrics: { speedKph } });
      expect((await machine.reply(frame.id)).type).toBe('ack');
    }
    machine.send({ type: 'heartbeat' });
    expect((await feed.next((m) => m.type === 'machine.heartbeat')).data).toMatchObject({
      machineId,
      at: expect.any(String),
    });
    // The heartbeat was published after those frames, on the same subject: they would be here.
    expect(feed.received.filter((m) => m.type === 'machine.telemetry')).toHaveLength(1);

    const unlinked = await api.post('/v1/machines/unlink', { machineId }, member.accessToken);
    expect(unlinked.status).toBe(204);
    expect((await feed.next((m) => m.type === 'machine.unlinked')).data).toMatchObject({
      machineId,
      linkId,
      reason: 'member',
    });
    expect((await api.get(`/v1/branches/${gym.branchId}/links`, trainer)).body.items).toEqual([]);
    feed.close();
    machine.close();
  });

  it('are the only ones who see who is on the machines or in the gym', async () => {
    const member = await registerMember(api);
    const otherTrainer = await staffOf(otherGym, 'trainer');
    for (const token of [member.accessToken, otherTrainer]) {
      for (const path of ['links', 'sessions/active']) {
        const refused = await api.get(`/v1/branches/${gym.branchId}/${path}`, token);
        expect(refused.status).toBe(403);
        expect(refused.body.code).toBe('FORBIDDEN');
      }
    }
    // Nor may they follow the branch's live feed.
    const feed = connectLive(platform.gatewayUrl, otherTrainer, `?branchId=${gym.branchId}`);
    expect((await feed.closed).code).toBe(4403);
  });

  it('see the members in the gym now: since when and on which machines', async () => {
    const admin = await staffOf(gym, 'branch_admin');
    const checkedIn = await registerMember(api, { name: 'Grace Hopper' });
    const checkIn = await api.post(
      '/v1/sessions/check-in',
      { branchId: gym.branchId },
      checkedIn.accessToken,
    );
    expect(checkIn.status).toBe(201);
    const { machine, machineId } = await onlineMachine(platform, gym, { name: 'Bike 2' });
    const onMachine = await registerMember(api, { name: 'Alan Turing' });
    await linkMember(api, machine, onMachine.accessToken);

    // The link starts a session through the MACHINES stream; names come from identity's events.
    // (Members of the other tests, still in the gym, are left out.)
    const ours = (items: { userId: string; displayName: string }[]) =>
      items.filter((i) => i.userId === checkedIn.user.id || i.userId === onMachine.user.id);
    const items = await waitFor(async () => {
      const found = await api.get(`/v1/branches/${gym.branchId}/sessions/active`, admin);
      expect(found.status).toBe(200);
      const mine = ours(found.body.items);
      return mine.length === 2 && mine.every((i) => i.displayName !== 'Member') && mine;
    });
    expect(items).toEqual([
      expect.objectContaining({
        userId: checkedIn.user.id,
        displayName: 'Grace',
        startedBy: 'check-in',
        machinesUsed: [],
        since: checkIn.body.startedAt,
      }),
      expect.objectContaining({
        userId: onMachine.user.id,
        displayName: 'Alan',
        startedBy: 'machine-link',
        machinesUsed: [machineId],
      }),
    ]);
    // Checked out: no longer in the gym.
    await api.post('/v1/sessions/check-out', undefined, checkedIn.accessToken);
    const after = await api.get(`/v1/branches/${gym.branchId}/sessions/active`, admin);
    expect(ours(after.body.items).map((i) => i.userId)).toEqual([onMachine.user.id]);
    machine.close();
  });
});
