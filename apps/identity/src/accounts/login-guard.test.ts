import { createCache } from '@nxg/platform';
import { describe, expect, it } from 'vitest';
import { LoginGuard } from './login-guard.ts';

describe('LoginGuard', () => {
  const guard = () =>
    new LoginGuard(createCache({ prefix: 'test:' }), { perAccount: 3, perIp: 5, cooldownS: 60 });

  it('locks one account after its limit, case-insensitively, with a Retry-After', async () => {
    const g = guard();
    for (let i = 0; i < 3; i++) await g.recordFailure('Ada', '10.0.0.1');
    await expect(g.assertAllowed('ada', '10.0.0.2')).rejects.toMatchObject({
      status: 429,
      code: 'LOGIN_LOCKED',
    });
    const error = await g
      .assertAllowed('ADA', undefined)
      .catch((e: { headers: Record<string, string> }) => e);
    expect(Number((error as { headers: Record<string, string> }).headers['retry-after'])).toBeGreaterThan(0);
    await expect(g.assertAllowed('grace', '10.0.0.2')).resolves.toBeUndefined();
  });

  it('locks an address that guesses across many accounts', async () => {
    const g = guard();
    for (let i = 0; i < 5; i++) await g.recordFailure(`user${i}`, '10.0.0.9');
    await expect(g.assertAllowed('someone-new', '10.0.0.9')).rejects.toMatchObject({ code: 'LOGIN_LOCKED' });
    await expect(g.assertAllowed('someone-new', '10.0.0.10')).resolves.toBeUndefined();
  });

  it('forgets an account’s failures after a successful login', async () => {
    const g = guard();
    for (let i = 0; i < 2; i++) await g.recordFailure('bob', undefined);
    await g.recordSuccess('bob');
    for (let i = 0; i < 2; i++) await g.recordFailure('bob', undefined);
    await expect(g.assertAllowed('bob', undefined)).resolves.toBeUndefined();
  });
});
