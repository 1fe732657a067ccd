import { MachineCloseCodes } from '@nxg/contracts';
import { adminEnv, connectMachine, onlineMachine, openGym, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

// Machine tokens that live three seconds: the socket must not outlive them.
const { platform, api } = usePlatform({
  replicas: { 'machine-hub': 1 },
  env: { identity: { ...adminEnv, MACHINE_TOKEN_TTL_S: '3' } },
});

describe('a machine token’s lifetime', () => {
  it('closes the socket when the token expires; the machine reconnects with a fresh one', async () => {
    const gym = await openGym(platform, 'Expiry');
    const { machine, machineId, secret, machineToken } = await onlineMachine(platform, gym, {
      heartbeats: true,
    });
    expect(await machine.closed).toMatchObject({ code: MachineCloseCodes.TOKEN_EXPIRED });

    // The expired token opens nothing; a fresh one from the same secret does.
    const stale = connectMachine(platform.hubUrls[0]!, machineToken);
    expect((await stale.closed).code).toBe(MachineCloseCodes.UNAUTHORIZED);
    const fresh = await api.post('/v1/machines/token', { machineId, secret });
    expect(fresh.body.expiresIn).toBe(3);
    const back = connectMachine(platform.hubUrls[0]!, fresh.body.accessToken as string);
    await back.opened;
    const hello = back.send({ type: 'hello', firmware: '1.2.3', capabilities: [] });
    expect((await back.reply(hello.id)).type).toBe('ack');
    back.close();
  });
});
