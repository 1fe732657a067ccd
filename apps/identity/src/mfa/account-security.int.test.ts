import { machineEvents } from '@nxg/contracts';
import { eventEnvelope, type Database } from '@nxg/platform';
import { adminEnv, platformAdmin, registerMember, usePlatform, waitFor, type ApiClient } from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { Authenticator } from './authenticator.test-support.ts';

const LOGIN_MAX_FAILURES = 5;
const { platform, api } = usePlatform({
  replicas: { 'machine-hub': 1 },
  env: { identity: { ...adminEnv, LOGIN_MAX_FAILURES: String(LOGIN_MAX_FAILURES), MFA_MAX_FAILURES: '5' } },
});

let adminToken: string;
let branchId: string;
/** Everything secret the tests saw: none of it may appear in the audit log. */
const secrets: string[] = [];

const identityDb = () => platform.services.identity![0]!.app!.kit.db as Database;
const deleteWithBody = (client: ApiClient, path: string, body: unknown, token: string) =>
  client.send('DELETE', path, { body, token });

/** A member with TOTP on: their authenticator, recovery codes and (pre-enrolment) tokens. */
async function enrolledMember() {
  const member = await registerMember(api);
  const started = await api.post('/v1/me/mfa/totp', undefined, member.accessToken);
  expect(started.status).toBe(201);
  const authenticator = new Authenticator(started.body.secret);
  const confirmed = await api.post(
    '/v1/me/mfa/totp/verify',
    { code: authenticator.next() },
    member.accessToken,
  );
  expect(confirmed.status).toBe(200);
  secrets.push(started.body.secret, started.body.otpauthUri, ...confirmed.body.recoveryCodes);
  return { ...member, authenticator, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

/** Password, then the second factor: the normal token pair. */
async function signInWithCode(login: string, password: string, code: string) {
  const first = await api.post('/v1/auth/login', { login, password });
  expect(first.status).toBe(401);
  expect(first.body.code).toBe('MFA_REQUIRED');
  secrets.push(first.body.mfaToken);
  return api.post('/v1/auth/mfa', { mfaToken: first.body.mfaToken, code });
}

const audit = async (query: string) => {
  const page = await api.get(`/v1/admin/audit?${query}`, adminToken);
  expect(page.status).toBe(200);
  return page.body.items as {
    type: string;
    userId: string | null;
    actorId: string | null;
    details: object;
  }[];
};

beforeAll(async () => {
  adminToken = (
    await api.post('/v1/auth/login', { login: platformAdmin.email, password: platformAdmin.password })
  ).body.accessToken;
  branchId = (
    await api.post('/v1/branches', { name: `Security ${Date.now()}`, address: '1 Safe St' }, adminToken)
  ).body.id;
});

describe('TOTP enrolment and two-step sign-in', () => {
  it('enrols, then sign-in needs a code: wrong and replayed codes refused, a recovery code works once', async () => {
    const member = await registerMember(api);
    const started = await api.post('/v1/me/mfa/totp', undefined, member.accessToken);
    expect(started.status).toBe(201);
    expect(started.body.otpauthUri).toMatch(/^otpauth:\/\/totp\/.*secret=/);
    expect(started.body.otpauthUri).toContain(started.body.secret);
    const authenticator = new Authenticator(started.body.secret);
    secrets.push(started.body.secret);

    // Pending until a code proves the app has the secret: password alone still signs in.
    const beforeConfirm = await api.post('/v1/auth/login', {
      login: member.email,
      password: member.password,
    });
    expect(beforeConfirm.status).toBe(200);

    const wrongFirst = await api.post(
      '/v1/me/mfa/totp/verify',
      { code: authenticator.wrong() },
      member.accessToken,
    );
    expect(wrongFirst.status).toBe(401);
    expect(wrongFirst.body.code).toBe('MFA_CODE_INVALID');
    const confirmed = await api.post(
      '/v1/me/mfa/totp/verify',
      { code: authenticator.next() },
      member.accessToken,
    );
    expect(confirmed.status).toBe(200);
    const codes = confirmed.body.recoveryCodes as string[];
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    secrets.push(...codes);
    const again = await api.post('/v1/me/mfa/totp', undefined, member.accessToken);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('MFA_ALREADY_ENROLLED');

    // The password alone no longer signs in: a short-lived mfaToken, no tokens.
    const first = await api.post('/v1/auth/login', { login: member.username, password: member.password });
    expect(first.status).toBe(401);
    expect(first.headers.get('content-type')).toContain('application/problem+json');
    expect(first.body).toMatchObject({ code: 'MFA_REQUIRED', status: 401 });
    expect(first.body.mfaToken).toEqual(expect.any(String));
    expect(first.body).not.toHaveProperty('accessToken');
    const mfaToken = first.body.mfaToken as string;

    const wrong = await api.post('/v1/auth/mfa', { mfaToken, code: authenticator.wrong() });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('MFA_CODE_INVALID');
    // The code that confirmed the enrolment was accepted once: it cannot be used again.
    const replayed = await api.post('/v1/auth/mfa', { mfaToken, code: authenticator.last() });
    expect(replayed.status).toBe(401);
    expect(replayed.body.code).toBe('MFA_CODE_INVALID');

    const code = authenticator.next();
    const signedIn = await api.post('/v1/auth/mfa', { mfaToken, code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.user.id).toBe(member.user.id);
    expect((await api.get('/v1/me', signedIn.body.accessToken)).status).toBe(200);
    // The mfaToken was for that one sign-in; the code for that one time step.
    const spent = await api.post('/v1/auth/mfa', { mfaToken, code: authenticator.wrong() });
    expect(spent.body.code).toBe('MFA_TOKEN_INVALID');
    const replayedAfter = await signInWithCode(member.email, member.password, code);
    expect(replayedAfter.body.code).toBe('MFA_CODE_INVALID');

    // A recovery code (typed in capitals, without its dash) signs in once.
    const recovery = codes[0]!;
    const byRecovery = await signInWithCode(
      member.email,
      member.password,
      recovery.toUpperCase().replace('-', ''),
    );
    expect(byRecovery.status).toBe(200);
    const recoveryAgain = await signInWithCode(member.email, member.password, recovery);
    expect(recoveryAgain.status).toBe(401);
    expect(recoveryAgain.body.code).toBe('MFA_CODE_INVALID');
    expect((await signInWithCode(member.email, member.password, codes[1]!)).status).toBe(200);

    const types = (await audit(`userId=${member.user.id}`)).map((e) => e.type);
    expect(types.filter((t) => t === 'mfa_recovery_code_used')).toHaveLength(2);
    expect(types).toContain('mfa_enrolled');
    expect(types).toContain('mfa_failed');
    expect(types.filter((t) => t === 'sign_in').length).toBeGreaterThanOrEqual(4);
  });

  it('throttles wrong codes per account: after the limit even the right code waits', async () => {
    const member = await enrolledMember();
    const first = await api.post('/v1/auth/login', { login: member.email, password: member.password });
    const mfaToken = first.body.mfaToken as string;
    for (let i = 0; i < 5; i++) {
      const wrong = await api.post('/v1/auth/mfa', { mfaToken, code: member.authenticator.wrong() });
      expect(wrong.body.code).toBe('MFA_CODE_INVALID');
    }
    const locked = await api.post('/v1/auth/mfa', { mfaToken, code: member.authenticator.next() });
    expect(locked.status).toBe(429);
    expect(locked.body.code).toBe('MFA_LOCKED');
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('turns MFA off with a current code, after which the password alone signs in again', async () => {
    const member = await enrolledMember();
    const refused = await deleteWithBody(
      api,
      '/v1/me/mfa',
      { code: member.authenticator.wrong() },
      member.accessToken,
    );
    expect(refused.body.code).toBe('MFA_CODE_INVALID');
    // Without a code, a recent step-up is needed: this session never proved the second factor.
    for (const noCode of [
      await deleteWithBody(api, '/v1/me/mfa', {}, member.accessToken),
      await api.delete('/v1/me/mfa', member.accessToken),
    ]) {
      expect(noCode.status).toBe(403);
      expect(noCode.body.code).toBe('STEP_UP_REQUIRED');
    }
    const off = await deleteWithBody(
      api,
      '/v1/me/mfa',
      { code: member.authenticator.next() },
      member.accessToken,
    );
    expect(off.status).toBe(204);
    expect(
      (await api.post('/v1/auth/login', { login: member.email, password: member.password })).status,
    ).toBe(200);
    expect((await audit(`userId=${member.user.id}&type=mfa_disabled`)).length).toBe(1);
  });
});

describe('step-up for sensitive operations', () => {
  it('asks for a recent second factor before erasing an account, and accepts it after step-up', async () => {
    const member = await enrolledMember();
    const refused = await api.delete('/v1/me', member.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('STEP_UP_REQUIRED');

    const wrong = await api.post(
      '/v1/auth/mfa/step-up',
      { code: member.authenticator.wrong() },
      member.accessToken,
    );
    expect(wrong.body.code).toBe('MFA_CODE_INVALID');
    const stepped = await api.post(
      '/v1/auth/mfa/step-up',
      { code: member.authenticator.next() },
      member.accessToken,
    );
    expect(stepped.status).toBe(200);
    const erased = await api.delete('/v1/me', stepped.body.accessToken);
    expect(erased.status).toBe(204);

    // The history stays, under a pseudonym: nothing in the log names the erased member any more.
    expect(await audit(`userId=${member.user.id}`)).toEqual([]);
    const [erasure] = await audit('type=account_erased');
    expect(erasure!.userId).not.toBe(member.user.id);
    const types = (await audit(`userId=${erasure!.userId}`)).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['step_up', 'account_erased']));
  });

  it('asks staff with MFA for a recent proof before machine actions; a proof older than 10 minutes no longer counts', async () => {
    const staff = await enrolledMember();
    const granted = await api.put(
      `/v1/branches/${branchId}/staff/${staff.user.id}`,
      { role: 'branch_admin' },
      adminToken,
    );
    expect(granted.status).toBe(200);
    // The role change revoked the old token; the refreshed one carries the role and the MFA flag.
    const refreshed = await api.post('/v1/auth/refresh', { refreshToken: staff.refreshToken });
    expect(refreshed.status).toBe(200);
    const machine = { name: `Treadmill ${Date.now()}`, type: 'cardio', location: 'Floor 2' };
    const refused = await api.post(`/v1/branches/${branchId}/machines`, machine, refreshed.body.accessToken);
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe('STEP_UP_REQUIRED');

    // A recovery code proves it as well as a TOTP code.
    const stepped = await api.post(
      '/v1/auth/mfa/step-up',
      { code: staff.recoveryCodes[0] },
      refreshed.body.accessToken,
    );
    expect(stepped.status).toBe(200);
    const created = await api.post(`/v1/branches/${branchId}/machines`, machine, stepped.body.accessToken);
    expect(created.status).toBe(201);
    const machineId = created.body.machine.id as string;
    const maintenance = await api.post(
      `/v1/machines/${machineId}/maintenance`,
      { type: 'inspection', notes: 'belt checked' },
      stepped.body.accessToken,
    );
    expect(maintenance.status).toBe(201);

    // Ten minutes later the proof is stale: tokens refreshed in this session need a new step-up.
    await identityDb().query(
      `UPDATE sessions SET mfa_at = now() - interval '11 minutes' WHERE user_id = $1 AND mfa_at IS NOT NULL`,
      [staff.user.id],
    );
    const later = await api.post('/v1/auth/refresh', { refreshToken: refreshed.body.refreshToken });
    const stale = await api.patch(
      `/v1/machines/${machineId}`,
      { status: 'maintenance' },
      later.body.accessToken,
    );
    expect(stale.status).toBe(403);
    expect(stale.body.code).toBe('STEP_UP_REQUIRED');
  });
});

describe('step-up for password and staff changes', () => {
  it('asks a branch admin with MFA to step up before changing a password or granting a role', async () => {
    const manager = await enrolledMember();
    const trainer = await registerMember(api);
    await api.put(`/v1/branches/${branchId}/staff/${manager.user.id}`, { role: 'branch_admin' }, adminToken);
    const token = (await api.post('/v1/auth/refresh', { refreshToken: manager.refreshToken })).body
      .accessToken;
    const change = { currentPassword: manager.password, newPassword: 'another long password' };
    const grant = () =>
      api.put(`/v1/branches/${branchId}/staff/${trainer.user.id}`, { role: 'trainer' }, token);

    for (const refused of [await api.post('/v1/me/password', change, token), await grant()]) {
      expect(refused.status).toBe(403);
      expect(refused.body.code).toBe('STEP_UP_REQUIRED');
    }
    const stepped = await api.post('/v1/auth/mfa/step-up', { code: manager.authenticator.next() }, token);
    expect(stepped.status).toBe(200);
    const fresh = stepped.body.accessToken as string;
    expect(
      (await api.put(`/v1/branches/${branchId}/staff/${trainer.user.id}`, { role: 'trainer' }, fresh)).status,
    ).toBe(200);
    expect((await api.post('/v1/me/password', change, fresh)).status).toBe(204);
  });
});

describe('password change', () => {
  it('signs out every other session (refresh and access tokens) and keeps this one', async () => {
    const member = await registerMember(api); // session A
    const other = await api.post('/v1/auth/login', { login: member.email, password: member.password }); // session B
    expect((await api.get('/v1/me', other.body.accessToken)).status).toBe(200);

    const wrong = await api.post(
      '/v1/me/password',
      { currentPassword: 'not the password', newPassword: 'a brand new password' },
      member.accessToken,
    );
    expect(wrong.status).toBe(403);
    expect(wrong.body.code).toBe('CURRENT_PASSWORD_WRONG');
    const changed = await api.post(
      '/v1/me/password',
      { currentPassword: member.password, newPassword: 'a brand new password' },
      member.accessToken,
    );
    expect(changed.status).toBe(204);
    secrets.push(member.password, 'a brand new password');

    const otherRefresh = await api.post('/v1/auth/refresh', { refreshToken: other.body.refreshToken });
    expect(otherRefresh.status).toBe(401);
    expect(otherRefresh.body.code).toBe('SESSION_REVOKED');
    const otherAccess = await waitFor(
      async () => {
        const me = await api.get('/v1/me', other.body.accessToken);
        return me.status === 401 && me.body;
      },
      3000,
      20,
    );
    expect(otherAccess.code).toBe('TOKEN_REVOKED');

    expect((await api.get('/v1/me', member.accessToken)).status).toBe(200);
    expect((await api.post('/v1/auth/refresh', { refreshToken: member.refreshToken })).status).toBe(200);
    expect(
      (await api.post('/v1/auth/login', { login: member.email, password: member.password })).status,
    ).toBe(401);
    expect(
      (await api.post('/v1/auth/login', { login: member.email, password: 'a brand new password' })).status,
    ).toBe(200);
    expect((await audit(`userId=${member.user.id}&type=password_changed`)).length).toBe(1);
  });
});

describe('staff roles', () => {
  it('stops a removed role at once; the app refreshes and gets tokens without it', async () => {
    const staff = await registerMember(api);
    await api.put(`/v1/branches/${branchId}/staff/${staff.user.id}`, { role: 'branch_admin' }, adminToken);
    const withRole = await api.post('/v1/auth/refresh', { refreshToken: staff.refreshToken });
    const machine = () => ({
      name: `Bike ${Date.now()}${Math.random()}`,
      type: 'cardio',
      location: 'Floor 1',
    });
    expect(
      (await api.post(`/v1/branches/${branchId}/machines`, machine(), withRole.body.accessToken)).status,
    ).toBe(201);

    const removed = await api.delete(`/v1/branches/${branchId}/staff/${staff.user.id}`, adminToken);
    expect(removed.status).toBe(204);
    const refused = await waitFor(
      async () => {
        const tried = await api.post(
          `/v1/branches/${branchId}/machines`,
          machine(),
          withRole.body.accessToken,
        );
        return tried.status !== 201 && tried;
      },
      3000,
      20,
    );
    expect(refused.status).toBe(401);
    expect(refused.body.code).toBe('TOKEN_REVOKED');
    const without = await api.post('/v1/auth/refresh', { refreshToken: withRole.body.refreshToken });
    expect(without.status).toBe(200);
    expect((await api.get('/v1/me', without.body.accessToken)).body.roles).toEqual(['member']);
    const forbidden = await api.post(
      `/v1/branches/${branchId}/machines`,
      machine(),
      without.body.accessToken,
    );
    expect(forbidden.status).toBe(403);

    const again = await api.delete(`/v1/branches/${branchId}/staff/${staff.user.id}`, adminToken);
    expect(again.status).toBe(404);
    expect(again.body.code).toBe('STAFF_ROLE_NOT_FOUND');
    const entries = await audit(`userId=${staff.user.id}`);
    expect(entries.find((e) => e.type === 'role_removed')).toMatchObject({
      actorId: expect.any(String),
      details: { branchId, role: 'branch_admin' },
    });
    expect(entries.some((e) => e.type === 'role_granted')).toBe(true);
  });

  it('lets a branch admin manage trainers but not demote or remove a fellow admin', async () => {
    const [first, second, trainer] = [
      await registerMember(api),
      await registerMember(api),
      await registerMember(api),
    ];
    for (const admin of [first, second]) {
      await api.put(`/v1/branches/${branchId}/staff/${admin.user.id}`, { role: 'branch_admin' }, adminToken);
    }
    const token = (await api.post('/v1/auth/refresh', { refreshToken: first.refreshToken })).body.accessToken;
    expect(
      (await api.put(`/v1/branches/${branchId}/staff/${trainer.user.id}`, { role: 'trainer' }, token)).status,
    ).toBe(200);
    expect((await api.delete(`/v1/branches/${branchId}/staff/${trainer.user.id}`, token)).status).toBe(204);

    const demote = await api.put(
      `/v1/branches/${branchId}/staff/${second.user.id}`,
      { role: 'trainer' },
      token,
    );
    expect(demote.status).toBe(403);
    expect(demote.body.code).toBe('CO_ADMIN_PROTECTED');
    const remove = await api.delete(`/v1/branches/${branchId}/staff/${second.user.id}`, token);
    expect(remove.status).toBe(403);
    expect(remove.body.code).toBe('CO_ADMIN_PROTECTED');
    expect((await api.delete(`/v1/branches/${branchId}/staff/${second.user.id}`, adminToken)).status).toBe(
      204,
    );
  });
});

describe('login lockout (finding 3)', () => {
  it('lets at most LOGIN_MAX_FAILURES of 20 concurrent wrong passwords be checked, by email and username alike', async () => {
    const member = await registerMember(api);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.post('/v1/auth/login', {
          login: i % 2 ? member.email : member.username,
          password: `wrong guess ${i}`,
        }),
      ),
    );
    const checked = answers.filter((a) => a.status === 401);
    expect(checked.length).toBeLessThanOrEqual(LOGIN_MAX_FAILURES);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(20 - checked.length);
    const right = await api.post('/v1/auth/login', { login: member.email, password: member.password });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('LOGIN_LOCKED');
    const entries = await audit(`userId=${member.user.id}`);
    expect(entries.filter((e) => e.type === 'sign_in_failed')).toHaveLength(checked.length);
    expect(entries.filter((e) => e.type === 'login_locked')).toHaveLength(1);
  });
});

describe('the audit log', () => {
  it('records staff actions on machines from machine-hub events, once each', async () => {
    const staff = await registerMember(api);
    const machineId = '0190f0f0-0000-7000-8000-000000000001';
    for (const [event, kind] of [
      [machineEvents.machineSecretRotated, 'secret_rotated'],
      [machineEvents.machineDecommissioned, 'decommissioned'],
    ] as const) {
      const envelope = eventEnvelope('machine-hub', {
        event,
        subject: machineId,
        data: { machineId, branchId, actorId: staff.user.id, at: new Date().toISOString() },
      });
      // Delivered twice (a redelivery after a lost ack looks the same): recorded once.
      for (const msgID of [envelope.id, `${envelope.id}-again`]) {
        await platform.publishEvent(`machines.${branchId}.${machineId}.${kind}`, envelope, { msgId: msgID });
      }
    }
    const entries = await waitFor(async () => {
      const found = (await audit(`userId=${staff.user.id}`)).filter((e) => e.type.startsWith('machine_'));
      return found.length >= 2 && found;
    });
    expect(entries.map((e) => e.type).sort()).toEqual(['machine_decommissioned', 'machine_secret_rotated']);
    expect(entries[0]).toMatchObject({ actorId: staff.user.id, details: { machineId, branchId } });
  });

  it('pages and filters for platform admins only, and holds no secret', async () => {
    const member = await registerMember(api);
    const refused = await api.get('/v1/admin/audit', member.accessToken);
    expect(refused.status).toBe(403);

    const seen = new Set<string>();
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await api.get(
        `/v1/admin/audit?type=sign_in&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        adminToken,
      );
      expect(page.status).toBe(200);
      for (const entry of page.body.items as { id: string; type: string }[]) {
        expect(entry.type).toBe('sign_in');
        expect(seen.has(entry.id)).toBe(false);
        seen.add(entry.id);
      }
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 4);
    expect(seen.size).toBeGreaterThan(3);

    const future = await api.get(
      `/v1/admin/audit?from=${new Date(Date.now() + 60_000).toISOString()}`,
      adminToken,
    );
    expect(future.body.items).toEqual([]);

    const all: unknown[] = [];
    let next: string | null = null;
    do {
      const page = await api.get(`/v1/admin/audit?limit=100${next ? `&cursor=${next}` : ''}`, adminToken);
      all.push(...page.body.items);
      next = page.body.nextCursor;
    } while (next);
    const everything = JSON.stringify(all);
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]+\./); // no JWT
  });
});
