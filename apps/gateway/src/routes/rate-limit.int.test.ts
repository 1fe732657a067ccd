import { identity } from '@nxg/contracts';
import { callOperation } from '@nxg/platform';
import { registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform({
  env: { gateway: { RATE_LIMIT_MAX: '15', AUTH_RATE_LIMIT_MAX: '4' } },
});

describe('rate limits', () => {
  it('limits login, register and refresh together, per client address', async () => {
    const member = await registerMember(api); // 1 of 4
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (await api.post('/v1/auth/login', { login: member.username, password: member.password })).status,
      );
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await api.post('/v1/auth/refresh', { refreshToken: member.refreshToken });
    expect(refused.status).toBe(429);
    expect(refused.body.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // Signed-in traffic has its own, larger budget.
    expect((await api.get('/v1/me', member.accessToken)).status).toBe(200);
  });

  it('limits each signed-in account on its own', async () => {
    const [a] = await Promise.all([api.post('/v1/auth/login', { login: 'x', password: 'y' })]);
    expect(a.status).toBe(429); // the address is still over its auth budget from the test above
    const member = await registerMemberDespiteLimit();
    const statuses = [];
    for (let i = 0; i < 16; i++) statuses.push((await api.get('/v1/me', member.token)).status);
    expect(statuses.slice(0, 15).every((s) => s === 200)).toBe(true);
    expect(statuses[15]).toBe(429);
  });
});

/** Logs in through identity directly (NATS), since this address has spent its auth budget. */
async function registerMemberDespiteLimit() {
  const email = `direct-${Date.now()}@example.test`;
  const registered = await callOperation(
    platform.busAs('gateway'),
    identity.register,
    { email, username: `d${Date.now()}`, password: 'long enough password', name: 'Direct' },
    { requestId: 'direct', roles: [], branchRoles: {} },
    { timeoutMs: 5000 },
  );
  return { token: registered.accessToken };
}
