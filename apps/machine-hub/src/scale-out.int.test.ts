import {
  adminEnv,
  apiClient,
  connectLive,
  connectMachine,
  platformAdmin as admin,
  readEvents,
  registerMember,
  usePlatform,
} from '@nxg/testing';
import { describe, expect, it } from 'vitest';

// Replicas share one database, which needs a PostgreSQL server.
const withServer = Boolean(process.env.DATABASE_URL);
const { platform } = usePlatform(
  { replicas: { 'machine-hub': 2, gateway: 2 }, env: { identity: adminEnv } },
  { when: withServer },
);

describe.skipIf(!withServer)('two hub replicas behind two gateways', () => {
  it('routes links, telemetry and replays whichever replicas are involved', async () => {
    const since = new Date();
    const [gatewayA, gatewayB] = platform.gatewayUrls.map(apiClient);
    const adminToken = (
      await gatewayA!.post('/v1/auth/login', { login: admin.email, password: admin.password })
    ).body.accessToken;
    const branchId = (
      await gatewayA!.post('/v1/branches', { name: `Scale ${Date.now()}`, address: 'x' }, adminToken)
    ).body.id;
    const created = await gatewayA!.post(
      `/v1/branches/${branchId}/machines`,
      { name: 'M', type: 'strength', location: 'L' },
      adminToken,
    );
    const { machineId, secret } = created.body.credentials;
    const token = (await gatewayB!.post('/v1/machines/token', { machineId, secret })).body.accessToken;

    // The machine is on hub A; the member talks to gateway B and watches live through gateway A.
    let machine = connectMachine(platform.hubUrls[0]!, token);
    await machine.opened;
    machine.send({ type: 'hello', firmware: '2.0', capabilities: [] });
    await machine.next((m) => m.type === 'welcome');
    const member = await registerMember(gatewayB!);
    const live = connectLive(platform.gatewayUrls[0]!, member.accessToken);
    await live.next((m) => m.type === 'ready');
    machine.send({ type: 'qr.request' });
    const qr = (await machine.next((m) => m.type === 'qr')).token;
    const linked = await gatewayB!.post('/v1/machines/link', { qrToken: qr }, member.accessToken);
    expect(linked.status).toBe(200);
    const linkId = linked.body.linkId;
    expect(await machine.next((m) => m.type === 'linked')).toMatchObject({ linkId });

    const set = machine.send({
      type: 'set.completed',
      linkId,
      exercise: 'Row',
      reps: 10,
      weightKg: 40,
      durationS: 30,
    });
    await machine.reply(set.id);

    // The machine drops and comes back on hub B, replaying the set it is unsure of.
    machine.close();
    await machine.closed;
    await new Promise((r) => setTimeout(r, 2500)); // its recent frame ids are written back
    machine = connectMachine(platform.hubUrls[1]!, token);
    await machine.opened;
    machine.send({ type: 'hello', firmware: '2.0', capabilities: [] });
    expect(await machine.next((m) => m.type === 'linked')).toMatchObject({ linkId });
    machine.sendRaw(JSON.stringify(set));
    expect((await machine.reply(set.id)).type).toBe('ack');
    const telemetry = machine.send({ type: 'telemetry', linkId, metrics: { reps: 3, weightKg: 40 } });
    await machine.reply(telemetry.id);
    expect(await live.next((m) => m.type === 'telemetry')).toMatchObject({
      data: { linkId, metrics: { reps: 3 } },
    });

    const sets = await readEvents(platform.nc, {
      stream: 'MACHINES',
      subject: `machines.${branchId}.${machineId}.set_completed`,
      since,
      expect: 1,
      quietMs: 2000,
    });
    expect(sets).toHaveLength(1);

    // Unlink through gateway A reaches the machine on hub B.
    expect((await gatewayA!.post('/v1/machines/unlink', { machineId }, member.accessToken)).status).toBe(204);
    expect(await machine.next((m) => m.type === 'unlinked')).toMatchObject({ linkId, reason: 'member' });
    machine.close();
    live.close();
  });
});
