import { apiClient, readEvents, registerMember, startPlatform, type TestPlatform } from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Replicas share one database, which needs a PostgreSQL server (PGlite is one process's).
const withServer = Boolean(process.env.DATABASE_URL);
let platform: TestPlatform;

beforeAll(async () => {
  if (withServer) platform = await startPlatform({ replicas: { identity: 2, gateway: 2 }, processes: true });
});
afterAll(() => platform?.stop());

describe.skipIf(!withServer)('two identity replicas behind two gateways', () => {
  it('relays each event exactly once', async () => {
    const since = new Date();
    const apis = platform.gatewayUrls.map(apiClient);
    const members = await Promise.all(Array.from({ length: 40 }, (_, i) => registerMember(apis[i % 2]!)));
    const ids = new Set(members.map((m) => m.user.id));
    const events = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.registered',
      since,
      where: (e) => ids.has(e.subject),
      expect: 40,
      quietMs: 3000,
    });
    expect(events).toHaveLength(40);
    expect(new Set(events.map((e) => e.subject)).size).toBe(40);
    expect(new Set(events.map((e) => e.id)).size).toBe(40);
  });

  it('never serves a stale profile from either replica’s cache after a change', async () => {
    const [first, second] = platform.gatewayUrls.map(apiClient);
    const member = await registerMember(first!);
    // Warm both identity replicas' caches (the queue group spreads the reads).
    for (let i = 0; i < 10; i++) await second!.get('/v1/me', member.accessToken);
    expect((await first!.patch('/v1/me/profile', { name: 'Renamed' }, member.accessToken)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 10; i++) {
      expect((await second!.get('/v1/me', member.accessToken)).body.profile.name).toBe('Renamed');
    }
  });

  it('spreads requests over both replicas and keeps working when one dies', async () => {
    const [first, second] = platform.gatewayUrls.map(apiClient);
    const member = await registerMember(first!);
    // Logout through one gateway is honoured by the other (the revocation watch).
    const other = await first!.post('/v1/auth/login', { login: member.username, password: member.password });
    const loggedOut = await first!.post('/v1/auth/logout', undefined, other.body.accessToken);
    expect(loggedOut.status, JSON.stringify(loggedOut.body)).toBe(204);
    await new Promise((r) => setTimeout(r, 200));
    expect((await second!.get('/v1/me', other.body.accessToken)).status).toBe(401);

    await platform.services.identity![0]!.kill();
    for (let i = 0; i < 10; i++) expect((await second!.get('/v1/me', member.accessToken)).status).toBe(200);
    await platform.services.identity![0]!.restart();
  });
});
