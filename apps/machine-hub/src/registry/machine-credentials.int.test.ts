import { MachineCloseCodes } from '@nxg/contracts';
import {
  adminEnv,
  connectMachine,
  linkMember,
  onlineMachine,
  openGym,
  readEvents,
  registerMember,
  usePlatform,
  type Gym,
} from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';

// Two hub replicas: the staff request reaches whichever one, the machine's socket is on hub 1. They
// share a database only on a PostgreSQL server.
const withServer = Boolean(process.env.DATABASE_URL);
const { platform, api } = usePlatform(
  { replicas: { 'machine-hub': 2 }, env: { identity: adminEnv } },
  { when: withServer },
);
let gym: Gym;
const startedAt = new Date();

beforeAll(async () => {
  if (withServer) gym = await openGym(platform, 'Credentials');
});

const staffId = async () => (await api.get('/v1/me', gym.adminToken)).body.id as string;

describe.skipIf(!withServer)("rotating a machine's secret", () => {
  it('closes its socket on any replica and refuses the old secret and every token it got', async () => {
    const { machine, machineId, secret, machineToken } = await onlineMachine(platform, gym, { hub: 1 });
    const spare = await api.post('/v1/machines/token', { machineId, secret });
    expect(spare.status).toBe(200);

    const rotated = await api.post(`/v1/machines/${machineId}/secret`, undefined, gym.adminToken);
    expect(rotated.status).toBe(200);
    expect(rotated.body.credentials).toMatchObject({ machineId, secret: expect.any(String) });
    const newSecret = rotated.body.credentials.secret as string;
    expect(newSecret).not.toBe(secret);

    expect(await machine.closed).toMatchObject({ code: MachineCloseCodes.CREDENTIALS_REVOKED });
    const refused = await api.post('/v1/machines/token', { machineId, secret });
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('INVALID_MACHINE_CREDENTIALS');
    // Tokens the old secret obtained, used or not, open no socket on either replica.
    for (const [token, hub] of [
      [machineToken, 0],
      [spare.body.accessToken as string, 1],
    ] as const) {
      const again = connectMachine(platform.hubUrls[hub]!, token);
      expect((await again.closed).code).toBeOneOf([
        MachineCloseCodes.UNAUTHORIZED,
        MachineCloseCodes.CREDENTIALS_REVOKED,
      ]);
    }

    // The new secret works: the machine is back.
    const fresh = await api.post('/v1/machines/token', { machineId, secret: newSecret });
    expect(fresh.status).toBe(200);
    const back = connectMachine(platform.hubUrls[0]!, fresh.body.accessToken as string);
    await back.opened;
    const hello = back.send({ type: 'hello', firmware: '1.2.3', capabilities: [] });
    expect((await back.reply(hello.id)).type).toBe('ack');
    back.close();

    const events = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${gym.branchId}.${machineId}.secret_rotated`,
      since: startedAt,
      expect: 1,
    });
    expect(events.map((e) => e.data)).toEqual([
      { machineId, branchId: gym.branchId, actorId: await staffId(), at: expect.any(String) },
    ]);
  });

  it('is for staff only: a member changes nothing', async () => {
    const { machineId, machine, secret } = await onlineMachine(platform, gym);
    const member = await registerMember(api);
    const denied = await api.post(`/v1/machines/${machineId}/secret`, undefined, member.accessToken);
    expect(denied.status).toBe(403);
    expect((await api.delete(`/v1/machines/${machineId}`, member.accessToken)).status).toBe(403);
    expect((await api.post('/v1/machines/token', { machineId, secret })).status).toBe(200);
    machine.close();
  });
});

describe.skipIf(!withServer)('decommissioning a machine', () => {
  it('ends its link, closes its socket, refuses its credentials for good and keeps its history', async () => {
    const { machine, machineId, secret, machineToken } = await onlineMachine(platform, gym, {
      hub: 1,
      heartbeats: true,
    });
    const member = await registerMember(api);
    const { linkId } = await linkMember(api, machine, member.accessToken);
    const logged = await api.post(
      `/v1/machines/${machineId}/maintenance`,
      { type: 'inspection', notes: 'belt checked' },
      gym.adminToken,
    );
    expect(logged.status).toBe(201);

    const removed = await api.delete(`/v1/machines/${machineId}`, gym.adminToken);
    expect(removed.status).toBe(204);
    expect(await machine.closed).toMatchObject({ code: MachineCloseCodes.MACHINE_REMOVED });

    const unlinked = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${gym.branchId}.${machineId}.unlinked`,
      since: startedAt,
      expect: 1,
    });
    expect(unlinked.map((e) => e.data)).toMatchObject([
      { linkId, userId: member.user.id, reason: 'decommissioned' },
    ]);
    // The member may link elsewhere at once.
    const other = await onlineMachine(platform, gym);
    await linkMember(api, other.machine, member.accessToken);
    other.machine.close();

    expect((await api.post('/v1/machines/token', { machineId, secret })).status).toBe(401);
    const again = connectMachine(platform.hubUrls[0]!, machineToken);
    expect((await again.closed).code).toBeOneOf([
      MachineCloseCodes.UNAUTHORIZED,
      MachineCloseCodes.MACHINE_REMOVED,
    ]);

    const listed = await api.get(`/v1/branches/${gym.branchId}/machines?limit=100`, gym.adminToken);
    expect(listed.body.items.map((m: { id: string }) => m.id)).not.toContain(machineId);
    const history = await api.get(`/v1/machines/${machineId}/maintenance`, gym.adminToken);
    expect(history.body.items).toMatchObject([{ type: 'inspection', notes: 'belt checked' }]);

    const twice = await api.delete(`/v1/machines/${machineId}`, gym.adminToken);
    expect(twice.status).toBe(410);
    expect(twice.body.code).toBe('MACHINE_DECOMMISSIONED');
    expect((await api.post(`/v1/machines/${machineId}/secret`, undefined, gym.adminToken)).status).toBe(410);

    const events = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${gym.branchId}.${machineId}.decommissioned`,
      since: startedAt,
      expect: 1,
    });
    expect(events.map((e) => e.data)).toEqual([
      { machineId, branchId: gym.branchId, actorId: await staffId(), at: expect.any(String) },
    ]);
  });
});
