import { adminEnv, platformAdmin as admin, registerMember, usePlatform } from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';

const { api } = usePlatform({ env: { identity: adminEnv } });
let adminToken: string;

const login = async (loginName: string, password: string) =>
  (await api.post('/v1/auth/login', { login: loginName, password })).body.accessToken as string;

beforeAll(async () => {
  adminToken = await login(admin.email, admin.password);
});

const branch = (name: string) => ({
  name,
  address: '1 Main Street',
  timezone: 'Europe/Berlin',
  openingHours: { mon: '06:00-22:00' },
});

describe('branches and their staff', () => {
  it('lets the platform admin from configuration open branches', async () => {
    const me = await api.get('/v1/me', adminToken);
    expect(me.body.roles).toContain('platform_admin');
    const created = await api.post('/v1/branches', branch(`Berlin Mitte ${Date.now()}`), adminToken);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ timezone: 'Europe/Berlin', openingHours: { mon: '06:00-22:00' } });
    const again = await api.post('/v1/branches', { ...branch(created.body.name.toUpperCase()) }, adminToken);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('BRANCH_EXISTS');
  });

  it('refuses branch creation to members, and unknown time zones', async () => {
    const member = await registerMember(api);
    const byMember = await api.post('/v1/branches', branch('Nope'), member.accessToken);
    expect(byMember.status).toBe(403);
    expect(byMember.body.code).toBe('FORBIDDEN');
    const badZone = await api.post(
      '/v1/branches',
      { ...branch(`Zone ${Date.now()}`), timezone: 'Mars/Olympus' },
      adminToken,
    );
    expect(badZone.status).toBe(400);
    expect(badZone.body.code).toBe('INVALID_TIMEZONE');
  });

  it('lists branches by name, page by page, to any member', async () => {
    const prefix = `List ${Date.now()}`;
    for (const suffix of ['C', 'A', 'B'])
      await api.post('/v1/branches', branch(`${prefix} ${suffix}`), adminToken);
    const member = await registerMember(api);
    const names: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await api.get(
        `/v1/branches?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        member.accessToken,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      names.push(...page.body.items.map((b: { name: string }) => b.name));
      cursor = page.body.nextCursor;
    } while (cursor);
    const ours = names.filter((n) => n.startsWith(prefix));
    expect(ours).toEqual([`${prefix} A`, `${prefix} B`, `${prefix} C`]);
    expect(new Set(names).size).toBe(names.length);
  });

  it('appoints branch admins, who may add trainers to their own branch only', async () => {
    const home = (await api.post('/v1/branches', branch(`Home ${Date.now()}`), adminToken)).body;
    const away = (await api.post('/v1/branches', branch(`Away ${Date.now()}`), adminToken)).body;
    const manager = await registerMember(api);
    const trainer = await registerMember(api);

    const appointed = await api.put(
      `/v1/branches/${home.id}/staff/${manager.user.id}`,
      { role: 'branch_admin' },
      adminToken,
    );
    expect(appointed.status).toBe(200);
    const managerToken = await login(manager.username, manager.password);
    const me = await api.get('/v1/me', managerToken);
    expect(me.body.roles).toEqual(expect.arrayContaining(['member', 'branch_admin']));
    expect(me.body.branchRoles).toEqual([{ branchId: home.id, role: 'branch_admin' }]);

    expect(
      (await api.put(`/v1/branches/${home.id}/staff/${trainer.user.id}`, { role: 'trainer' }, managerToken))
        .status,
    ).toBe(200);
    const otherBranch = await api.put(
      `/v1/branches/${away.id}/staff/${trainer.user.id}`,
      { role: 'trainer' },
      managerToken,
    );
    expect(otherBranch.status).toBe(403);
    const promoteSelfPeer = await api.put(
      `/v1/branches/${home.id}/staff/${trainer.user.id}`,
      { role: 'branch_admin' },
      managerToken,
    );
    expect(promoteSelfPeer.status).toBe(403);
  });

  it('keeps members away from staff routes and checks the ids it is given', async () => {
    const member = await registerMember(api);
    const other = await registerMember(api);
    const home = (await api.post('/v1/branches', branch(`Ids ${Date.now()}`), adminToken)).body;
    const byMember = await api.put(
      `/v1/branches/${home.id}/staff/${other.user.id}`,
      { role: 'trainer' },
      member.accessToken,
    );
    expect(byMember.status).toBe(403);
    const notUuid = await api.put(
      `/v1/branches/not-a-uuid/staff/${other.user.id}`,
      { role: 'trainer' },
      adminToken,
    );
    expect(notUuid.status).toBe(400);
    expect(notUuid.body.code).toBe('VALIDATION_FAILED');
    const noBranch = await api.put(
      `/v1/branches/${other.user.id}/staff/${other.user.id}`,
      { role: 'trainer' },
      adminToken,
    );
    expect(noBranch.status).toBe(404);
    expect(noBranch.body.code).toBe('BRANCH_NOT_FOUND');
  });
});
