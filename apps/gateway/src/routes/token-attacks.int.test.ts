import { createHmac, createPublicKey, generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto';
import { registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

// Two-second access tokens, so expiry can be seen without a long wait.
const { api } = usePlatform({ env: { identity: { ACCESS_TOKEN_TTL_S: '2' } } });

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const parts = (token: string) => {
  const [header, payload, signature] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString()),
    payload: JSON.parse(Buffer.from(payload!, 'base64url').toString()),
    signature: signature!,
  };
};

async function expectRefused(token: string, code = 'TOKEN_INVALID') {
  const response = await api.get('/v1/me', token);
  expect(response.status).toBe(401);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body.code).toBe(code);
}

describe('access tokens the gateway refuses', () => {
  it('refuses a request without a token, and a malformed header', async () => {
    const none = await api.get('/v1/me');
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    const basic = await api.send('GET', '/v1/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(401);
    await expectRefused('not.a.jwt');
  });

  it('refuses a token whose claims were changed after signing', async () => {
    const victim = await registerMember(api);
    const attacker = await registerMember(api);
    const { header, payload, signature } = parts(attacker.accessToken);
    const forged = `${b64(header)}.${b64({ ...payload, sub: victim.user.id, roles: ['member', 'platform_admin'] })}.${signature}`;
    await expectRefused(forged);
  });

  it('refuses alg: none', async () => {
    const member = await registerMember(api);
    const { payload } = parts(member.accessToken);
    await expectRefused(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`);
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const member = await registerMember(api);
    const { header, payload } = parts(member.accessToken);
    const jwk = (await api.get('/.well-known/jwks.json')).body.keys.find(
      (k: { kid: string }) => k.kid === header.kid,
    );
    const pem = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
    const signingInput = `${b64({ ...header, alg: 'HS256' })}.${b64(payload)}`;
    const signature = createHmac('sha256', pem).update(signingInput).digest('base64url');
    await expectRefused(`${signingInput}.${signature}`);
  });

  it("refuses a token signed by someone else's key under identity's kid", async () => {
    const member = await registerMember(api);
    const { header, payload } = parts(member.accessToken);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signingInput = `${b64(header)}.${b64(payload)}`;
    const signature = sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url');
    await expectRefused(`${signingInput}.${signature}`);
  });

  it('refuses an expired token, saying so', async () => {
    const member = await registerMember(api);
    expect((await api.get('/v1/me', member.accessToken)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 3100));
    await expectRefused(member.accessToken, 'TOKEN_EXPIRED');
    // The refresh token still works: the member is not signed out by expiry.
    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: member.refreshToken });
    expect(refreshed.status).toBe(200);
  });

  it('refuses a refresh token used as an access token', async () => {
    const member = await registerMember(api);
    await expectRefused(member.refreshToken);
  });
});
