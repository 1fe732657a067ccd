import { randomBytes } from 'node:crypto';
import { registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';
import { Authenticator } from '../mfa/authenticator.test-support.ts';

// Identity starts without a configured admin; each test restarts it with one.
const { platform, api } = usePlatform();
const identity = () => platform.services.identity![0]!;

describe('the platform admin from configuration', () => {
  it('is never an account someone registered first with that email (finding 4)', async () => {
    const squatter = await registerMember(api, { email: 'first-admin@nxg.test' });
    await identity().restart({
      PLATFORM_ADMIN_EMAIL: 'first-admin@nxg.test',
      PLATFORM_ADMIN_PASSWORD: 'the real admin password',
    });
    const signedIn = await api.post('/v1/auth/login', { login: squatter.email, password: squatter.password });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.roles).toEqual(['member']);
    // Nor did the configured password take the account over.
    const asAdmin = await api.post('/v1/auth/login', {
      login: squatter.email,
      password: 'the real admin password',
    });
    expect(asAdmin.status).toBe(401);
    expect(identity().logs()).toContain('NOT promoted');
  });

  it('in production must enrol MFA before admin operations', async () => {
    const admin = { email: 'prod-admin@nxg.test', password: 'production admin password' };
    await identity().restart({
      NODE_ENV: 'production',
      // Production wants object storage configured (scans): a local store with its link secret.
      STORAGE_URL_SECRET: randomBytes(32).toString('base64url'),
      PLATFORM_ADMIN_EMAIL: admin.email,
      PLATFORM_ADMIN_PASSWORD: admin.password,
    });
    const signedIn = await api.post('/v1/auth/login', { login: admin.email, password: admin.password });
    expect(signedIn.body.user.roles).toContain('platform_admin');
    const refused = await api.get('/v1/admin/audit', signedIn.body.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('MFA_ENROLMENT_REQUIRED');
    const branch = await api.post(
      '/v1/branches',
      { name: 'Prod', address: '1 Main St' },
      signedIn.body.accessToken,
    );
    expect(branch.body.code).toBe('MFA_ENROLMENT_REQUIRED');

    const started = await api.post('/v1/me/mfa/totp', undefined, signedIn.body.accessToken);
    const authenticator = new Authenticator(started.body.secret);
    await api.post('/v1/me/mfa/totp/verify', { code: authenticator.next() }, signedIn.body.accessToken);
    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: signedIn.body.refreshToken });
    const allowed = await api.get('/v1/admin/audit', refreshed.body.accessToken);
    expect(allowed.status).toBe(200);
  });
});
