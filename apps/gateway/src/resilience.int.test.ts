import { readEvents, registerMember, usePlatform, waitFor } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform({
  env: { gateway: { NATS_REQUEST_TIMEOUT_MS: '1000' } },
  processes: true,
});

describe('identity killed and restarted under the gateway', () => {
  it('answers 503 while identity is gone, then recovers by itself with nothing lost', async () => {
    const member = await registerMember(api);
    const identity = platform.services.identity![0]!;
    await identity.kill();

    const meanwhile = await api.get('/v1/me', member.accessToken);
    expect(meanwhile.status).toBe(503);
    expect(meanwhile.body.code).toBe('SERVICE_UNAVAILABLE');
    expect(meanwhile.headers.get('retry-after')).toBe('1');
    const ready = await fetch(`${platform.gatewayUrl}/health/ready`);
    expect(ready.status).toBe(200); // the gateway itself is fine; it says which service is not

    await identity.restart();
    await waitFor(async () => (await api.get('/v1/me', member.accessToken)).status === 200);
    const signedIn = await api.post('/v1/auth/login', { login: member.username, password: member.password });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(member.user.id);
  });

  it('answers 504 when identity stalls, and serves again when it resumes', async () => {
    const member = await registerMember(api);
    const identity = platform.services.identity![0]!;
    process.kill(identity.pid!, 'SIGSTOP');
    try {
      const stalled = await api.get('/v1/me', member.accessToken);
      expect(stalled.status).toBe(504);
      expect(stalled.body.code).toBe('UPSTREAM_TIMEOUT');
    } finally {
      process.kill(identity.pid!, 'SIGCONT');
    }
    await waitFor(async () => (await api.get('/v1/me', member.accessToken)).status === 200);
  });

  it('publishes after a restart an event committed but not yet published before a kill -9', async () => {
    const since = new Date();
    const identity = platform.services.identity![0]!;
    // Hold events in the outbox so the kill lands between commit and publish.
    await identity.stop();
    await identity.restart({ OUTBOX_RELAY_PAUSED: 'true' });
    const member = await registerMember(api);
    const byMember = (e: { subject: string }) => e.subject === member.user.id;
    expect(
      await readEvents(platform.nc, {
        stream: 'IDENTITY',
        subject: 'identity.user.registered',
        since,
        where: byMember,
        quietMs: 1000,
      }),
    ).toHaveLength(0);

    await identity.kill();
    await identity.restart();
    const events = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.registered',
      since,
      where: byMember,
      expect: 1,
      quietMs: 5000,
    });
    expect(events).toHaveLength(1);
    expect((await api.get('/v1/me', member.accessToken)).status).toBe(200);
  });
});
