import { randomBytes, randomUUID } from 'node:crypto';
import type { Notification } from '@nxg/contracts';
import { registerMember, usePlatform, waitFor } from '@nxg/testing';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';

// No FCM configured, as with `pnpm start` on a bare machine.
const { platform, api } = usePlatform({
  replicas: { notification: 1 },
  env: { notification: { LOG_LEVEL: 'info', PUSH_DRAIN_INTERVAL_MS: '100' } },
});

describe('without FCM credentials', () => {
  it('writes pushes to the log (never the token) and still settles them as sent', async () => {
    const member = await registerMember(api);
    const token = `${randomBytes(11).toString('base64url')}:APA91b${randomBytes(100).toString('base64url')}`;
    await api.post('/v1/notifications/devices', { token, platform: 'web' }, member.accessToken);
    const userId = member.user.id;
    await platform.publishEvent('machines.b.m.unlinked', {
      id: uuidv7(),
      type: 'machines.unlinked',
      source: 'machine-hub',
      time: new Date().toISOString(),
      subject: userId,
      dataVersion: 1,
      data: {
        machineId: randomUUID(),
        branchId: randomUUID(),
        linkId: randomUUID(),
        userId,
        reason: 'heartbeat_lost',
        at: new Date().toISOString(),
      },
    });
    const item = await waitFor(async () => {
      const [first] = (await api.get('/v1/notifications', member.accessToken)).body.items as Notification[];
      return first?.push === 'sent' ? first : undefined;
    });
    const logs = platform.services.notification![0]!.logs();
    expect(logs).toContain('"transport":"console"');
    expect(logs).toContain(item.id);
    expect(logs).not.toContain(token);
  });
});
