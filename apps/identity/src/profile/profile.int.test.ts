import pg from 'pg';
import { readEvents, registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const startedAt = new Date();

const { platform, api } = usePlatform();

describe("a member's own data", () => {
  it('merges profile patches section by section', async () => {
    const member = await registerMember(api);
    const first = await api.patch(
      '/v1/me/profile',
      { demographics: { age: 34, heightCm: 170 }, fitnessProfile: { level: 'beginner', goal: 'endurance' } },
      member.accessToken,
    );
    expect(first.status).toBe(200);
    const second = await api.patch(
      '/v1/me/profile',
      { name: 'New Name', demographics: { weightKg: 70 }, fitnessProfile: { healthConditions: ['asthma'] } },
      member.accessToken,
    );
    expect(second.status).toBe(200);
    expect(second.body.profile).toEqual({
      name: 'New Name',
      timezone: 'UTC',
      demographics: { age: 34, heightCm: 170, weightKg: 70 },
      fitnessProfile: { level: 'beginner', goal: 'endurance', healthConditions: ['asthma'] },
      dietPreferences: {},
    });
    const me = await api.get('/v1/me', member.accessToken);
    expect(me.body.profile.fitnessProfile.healthConditions).toEqual(['asthma']);
  });

  it("keeps the member's time zone as IANA spells it and announces it", async () => {
    const member = await registerMember(api, { timezone: 'America/New_York' });
    expect((await api.get('/v1/me', member.accessToken)).body.profile.timezone).toBe('America/New_York');
    const moved = await api.patch('/v1/me/profile', { timezone: 'asia/tokyo' }, member.accessToken);
    expect(moved.status).toBe(200);
    expect(moved.body.profile.timezone).toBe('Asia/Tokyo');
    const [registered] = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.registered',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(registered?.data).toMatchObject({ timezone: 'America/New_York' });
    const [updated] = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.updated',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(updated?.data).toMatchObject({ timezone: 'Asia/Tokyo' });
  });

  it('refuses a time zone that is not one, and keeps the old one', async () => {
    const member = await registerMember(api, { timezone: 'Europe/Berlin' });
    const refused = await api.patch('/v1/me/profile', { timezone: 'Mars/Olympus' }, member.accessToken);
    expect(refused.status).toBe(400);
    expect(refused.body.code).toBe('INVALID_TIMEZONE');
    expect((await api.get('/v1/me', member.accessToken)).body.profile.timezone).toBe('Europe/Berlin');
    const register = await api.post('/v1/auth/register', {
      email: `tz-${Date.now()}@example.test`,
      username: `tz_${Date.now()}`,
      password: 'correct horse battery',
      name: 'Nowhere',
      timezone: 'Nowhere/Land',
    });
    expect(register.status).toBe(400);
    expect(register.body.code).toBe('INVALID_TIMEZONE');
  });

  it('announces profile changes without the health data', async () => {
    const member = await registerMember(api);
    await api.patch(
      '/v1/me/profile',
      { fitnessProfile: { goal: 'build_muscle', healthConditions: ['diabetes'] } },
      member.accessToken,
    );
    const [event] = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.updated',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(event?.data).toMatchObject({ userId: member.user.id, fitnessProfile: { goal: 'build_muscle' } });
    expect(JSON.stringify(event)).not.toContain('diabetes');
  });

  it.skipIf(!process.env.DATABASE_URL)('keeps health data encrypted at rest', async () => {
    const member = await registerMember(api);
    await api.patch(
      '/v1/me/profile',
      { fitnessProfile: { healthConditions: ['hypertension'] } },
      member.accessToken,
    );
    await api.put('/v1/me/body-composition', { weightKg: 81.5, bodyFatPercentage: 22.4 }, member.accessToken);
    const url = new URL(process.env.DATABASE_URL!);
    url.pathname = `/${platform.services.identity![0]!.env.DATABASE_NAME}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const user = await client.query('SELECT profile::text, health_sealed FROM users WHERE id = $1', [
        member.user.id,
      ]);
      const body = await client.query('SELECT sealed FROM body_measurements WHERE user_id = $1', [
        member.user.id,
      ]);
      expect(user.rows[0].health_sealed).toMatch(/^v2\./);
      expect(`${user.rows[0].profile} ${user.rows[0].health_sealed}`).not.toContain('hypertension');
      expect(body.rows[0].sealed).not.toContain('81.5');
    } finally {
      await client.end();
    }
  });

  it('records body composition as history, newest first, page by page', async () => {
    const member = await registerMember(api);
    const days = ['2026-01-01', '2026-02-01', '2026-03-01'];
    for (const [i, day] of days.entries()) {
      const saved = await api.put(
        '/v1/me/body-composition',
        { measuredAt: `${day}T08:00:00.000Z`, weightKg: 80 - i },
        member.accessToken,
      );
      expect(saved.status).toBe(200);
      expect(saved.body).toMatchObject({ weightKg: 80 - i, source: 'manual' });
    }
    const first = await api.get('/v1/me/body-composition/history?limit=2', member.accessToken);
    expect(first.status).toBe(200);
    expect(first.body.items.map((m: { weightKg: number }) => m.weightKg)).toEqual([78, 79]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api.get(
      `/v1/me/body-composition/history?limit=2&cursor=${first.body.nextCursor}`,
      member.accessToken,
    );
    expect(second.body.items.map((m: { weightKg: number }) => m.weightKg)).toEqual([80]);
    expect(second.body.nextCursor).toBeNull();

    const other = await registerMember(api);
    const theirs = await api.get('/v1/me/body-composition/history', other.accessToken);
    expect(theirs.body.items).toEqual([]);
  });

  it('refuses a tampered cursor and a future measurement', async () => {
    const member = await registerMember(api);
    const cursor = await api.get(
      '/v1/me/body-composition/history?cursor=bm90LWEtY3Vyc29y',
      member.accessToken,
    );
    expect(cursor.status).toBe(400);
    expect(cursor.body.code).toBe('INVALID_CURSOR');
    const future = await api.put(
      '/v1/me/body-composition',
      { measuredAt: '2999-01-01T00:00:00.000Z', weightKg: 70 },
      member.accessToken,
    );
    expect(future.status).toBe(400);
    expect(future.body.code).toBe('MEASURED_IN_FUTURE');
  });

  it('exports everything identity holds about the member', async () => {
    const member = await registerMember(api);
    await api.put('/v1/me/body-composition', { weightKg: 70 }, member.accessToken);
    const exported = await api.get('/v1/me/export', member.accessToken);
    expect(exported.status).toBe(200);
    expect(exported.body.user.id).toBe(member.user.id);
    expect(exported.body.bodyComposition).toHaveLength(1);
    expect(exported.body.sessions).toHaveLength(1);
  });

  it('erases the account, signs it out everywhere and tells every service', async () => {
    const member = await registerMember(api);
    const elsewhere = await api.post('/v1/auth/login', { login: member.email, password: member.password });
    expect((await api.delete('/v1/me', member.accessToken)).status).toBe(204);

    for (const token of [member.accessToken, elsewhere.body.accessToken]) {
      const me = await api.get('/v1/me', token);
      expect(me.status).toBe(401);
      expect(me.body.code).toBe('TOKEN_REVOKED');
    }
    expect(
      (await api.post('/v1/auth/login', { login: member.email, password: member.password })).status,
    ).toBe(401);
    const events = await readEvents(platform.nc, {
      stream: 'IDENTITY',
      subject: 'identity.user.deleted',
      since: startedAt,
      where: (e) => e.subject === member.user.id,
      expect: 1,
    });
    expect(events).toHaveLength(1);
    // The address is free again.
    expect(
      (
        await api.post('/v1/auth/register', {
          email: member.email,
          username: member.username,
          password: member.password,
          name: 'Again',
        })
      ).status,
    ).toBe(201);
  });
});
