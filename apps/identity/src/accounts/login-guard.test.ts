import { createCache } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import { LoginGuard } from './login-guard.ts';

/** A wrong password as login does it: counted first, then reported failed. */
const fail = async (g: LoginGuard, account: string, ip: string | undefined) => {
  const attempt = await g.begin(account, ip);
  await attempt.failed();
};

describe('LoginGuard', () => {
  const guard = (url?: string) =>
    new LoginGuard(createCache({ url, prefix: `test:${Math.random()}:` }), {
      perAccount: 3,
      perIp: 5,
      cooldownS: 60,
    });

  it('locks one account after its limit, case-insensitively, with a Retry-After', async () => {
    const g = guard();
    for (let i = 0; i < 3; i++) await fail(g, 'Ada', '10.0.0.1');
    await expect(g.begin('ada', '10.0.0.2')).rejects.toMatchObject({ status: 429, code: 'LOGIN_LOCKED' });
    const error = await g.begin('ADA', undefined).catch((e: { headers: Record<string, string> }) => e);
    expect(Number((error as { headers: Record<string, string> }).headers['retry-after'])).toBeGreaterThan(0);
    await expect(g.begin('grace', '10.0.0.2')).resolves.toBeDefined();
  });

  it('locks an address that guesses across many accounts', async () => {
    const g = guard();
    for (let i = 0; i < 5; i++) await fail(g, `user${i}`, '10.0.0.9');
    await expect(g.begin('someone-new', '10.0.0.9')).rejects.toMatchObject({ code: 'LOGIN_LOCKED' });
    await expect(g.begin('someone-new', '10.0.0.10')).resolves.toBeDefined();
  });

  it('forgets an account’s failures after a successful login, and successes do not use up an address', async () => {
    const g = guard();
    for (let i = 0; i < 2; i++) await fail(g, 'bob', '10.0.0.3');
    await (await g.begin('bob', '10.0.0.3')).succeeded();
    for (let i = 0; i < 2; i++) await fail(g, 'bob', '10.0.0.3');
    await expect(g.begin('bob', '10.0.0.3')).resolves.toBeDefined();
    for (let i = 0; i < 10; i++) await (await g.begin(`ok${i}`, '10.0.0.4')).succeeded();
    await expect(g.begin('another', '10.0.0.4')).resolves.toBeDefined();
  });

  it.each([
    ['memory', undefined],
    ['redis', process.env.REDIS_URL],
  ])('lets at most the limit through when guesses arrive at once (%s)', async (_kind, url) => {
    if (_kind === 'redis' && !url) return;
    const g = guard(url);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, () => g.begin('carol', undefined)));
    const admitted = outcomes.filter((o) => o.status === 'fulfilled');
    expect(admitted).toHaveLength(3);
    const results = await Promise.all(admitted.map((o) => o.value.failed()));
    expect(results.filter((r) => r.locked)).toHaveLength(1);
    await expect(g.begin('carol', undefined)).rejects.toMatchObject({ code: 'LOGIN_LOCKED' });
  });
});
