import { usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const LIMIT = 3;
const { platform } = usePlatform({
  env: { gateway: { AUTH_RATE_LIMIT_MAX: String(LIMIT), TRUST_PROXY: '10.0.0.0/8' } },
});

/** A failed login from `peer` (the TCP peer's address), with the X-Forwarded-For it writes. */
async function login(peer: string, forwardedFor?: string): Promise<number> {
  const response = await platform.services.gateway![0]!.app!.inject({
    method: 'POST',
    url: '/v1/auth/login',
    remoteAddress: peer,
    headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    payload: { login: 'nobody', password: 'wrong password' },
  });
  return response.statusCode;
}

describe('client addresses behind the load balancer (TRUST_PROXY)', () => {
  it('ignores X-Forwarded-For from a peer that is not a configured proxy: a forged one does not move the login limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= LIMIT; i++) statuses.push(await login('203.0.113.7', `198.51.100.${i}`));
    expect(statuses.slice(0, LIMIT).every((s) => s === 401)).toBe(true);
    expect(statuses[LIMIT]).toBe(429);
  });

  it('believes the hop a configured proxy adds, and only that one', async () => {
    // Each client behind the proxy has a budget of its own.
    const behind: number[] = [];
    for (let i = 0; i <= LIMIT; i++) behind.push(await login('10.0.0.5', `192.0.2.${i}`));
    expect(behind.every((s) => s === 401)).toBe(true);
    const one: number[] = [];
    for (let i = 0; i <= LIMIT; i++) one.push(await login('10.0.0.5', '192.0.2.200'));
    expect(one[LIMIT]).toBe(429);
    // A client writing its own hops in front of the proxy's: the proxy's hop (its real address) counts.
    const forged: number[] = [];
    for (let i = 0; i <= LIMIT; i++) forged.push(await login('10.0.0.5', `198.51.100.${i}, 192.0.2.201`));
    expect(forged[LIMIT]).toBe(429);
  });
});
