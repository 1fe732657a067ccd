import { readEvents, registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const startedAt = new Date();

const { platform, api } = usePlatform({
  env: { identity: { LOGIN_MAX_FAILURES: '3', LOGIN_COOLDOWN_S: '60' } },
});

describe('the auth journey through the gateway', () => {
  it('registers, reads itself, logs in by email and by username', async () => {
    const member = await registerMember(api, { name: 'Ada Lovelace' });
    expect(member.user).toMatchObject({ email: member.email, username: member.username, roles: ['member'] });
    expect(member.user).not.toHaveProperty('passwordHash');

    const me = await api.get('/v1/me', member.accessToken);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: member.user.id, profile: { name: 'Ada Lovelace' } });

    for (const login of [member.email.toUpperCase(), member.username]) {
      const signedIn = await api.post('/v1/auth/login', { login, password: member.password });
      expect(signedIn.status).toBe(200);
      expect(signedIn.body.user.id).toBe(member.user.id);
      expect(signedIn.body.expiresIn).toBe(900);
    }
  });

  it('emits identity.user.registered once per account', async () => {
    const member = await registerMember(api);
    const events = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.registered',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'identity.user.registered', source: 'identity', dataVersion: 1 });
    expect(events[0]!.data).toMatchObject({ userId: member.user.id, username: member.username });
  });

  it('refuses a taken email or username, whatever their case', async () => {
    const member = await registerMember(api);
    const sameEmail = await api.post('/v1/auth/register', {
      email: member.email.toUpperCase(),
      username: `other_${Date.now()}`,
      password: 'another long password',
      name: 'Copy',
    });
    expect(sameEmail.status).toBe(409);
    expect(sameEmail.body.code).toBe('EMAIL_TAKEN');
    const sameUsername = await api.post('/v1/auth/register', {
      email: `other-${Date.now()}@example.test`,
      username: member.username.toUpperCase(),
      password: 'another long password',
      name: 'Copy',
    });
    expect(sameUsername.status).toBe(409);
    expect(sameUsername.body.code).toBe('USERNAME_TAKEN');
  });

  it('rotates refresh tokens, and a reused one ends the whole session', async () => {
    const member = await registerMember(api);
    const first = await api.post('/v1/auth/refresh', { refreshToken: member.refreshToken });
    expect(first.status).toBe(200);
    expect(first.body.refreshToken).not.toBe(member.refreshToken);
    const fresh = first.body as { accessToken: string; refreshToken: string };
    expect((await api.get('/v1/me', fresh.accessToken)).status).toBe(200);

    // The first token is spent: presenting it again means it leaked.
    const reuse = await api.post('/v1/auth/refresh', { refreshToken: member.refreshToken });
    expect(reuse.status).toBe(401);
    expect(reuse.body.code).toBe('REFRESH_TOKEN_REUSED');

    const afterReuse = await api.post('/v1/auth/refresh', { refreshToken: fresh.refreshToken });
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body.code).toBe('SESSION_REVOKED');
    const me = await api.get('/v1/me', fresh.accessToken);
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('TOKEN_REVOKED');

    // Other sessions of the same member are untouched.
    const other = await api.post('/v1/auth/login', { login: member.username, password: member.password });
    expect((await api.get('/v1/me', other.body.accessToken)).status).toBe(200);
  });

  it('logout revokes the access token at once and ends its refresh token', async () => {
    const member = await registerMember(api);
    expect((await api.post('/v1/auth/logout', undefined, member.accessToken)).status).toBe(204);
    const me = await api.get('/v1/me', member.accessToken);
    expect(me.status).toBe(401);
    expect(me.body.code).toBe('TOKEN_REVOKED');
    const refresh = await api.post('/v1/auth/refresh', { refreshToken: member.refreshToken });
    expect(refresh.status).toBe(401);
  });

  it('answers a wrong password and an unknown account alike', async () => {
    const member = await registerMember(api);
    const wrong = await api.post('/v1/auth/login', { login: member.username, password: 'not the password' });
    const unknown = await api.post('/v1/auth/login', { login: 'nobody-here', password: 'not the password' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('locks an account after repeated failures, even for the right password', async () => {
    const member = await registerMember(api);
    for (let i = 0; i < 3; i++) {
      expect(
        (await api.post('/v1/auth/login', { login: member.email, password: `guess number ${i}` })).status,
      ).toBe(401);
    }
    const locked = await api.post('/v1/auth/login', { login: member.email, password: member.password });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('LOGIN_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('publishes its signing keys with a kid and an asymmetric algorithm', async () => {
    const jwks = await api.get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.length).toBeGreaterThan(0);
    expect(jwks.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.body.keys[0].kid).toEqual(expect.any(String));
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
  });
});
