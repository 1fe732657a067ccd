import { identity } from '@nxg/contracts';
import { callOperation } from '@nxg/platform';
import { registerMember, usePlatform } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform({ replicas: { analytics: 1 } });

describe('a member’s body-composition trend', () => {
  it('comes from identity’s measurements, by the member’s days, and only their own', async () => {
    const member = await registerMember(api);
    const token = member.accessToken;
    for (const body of [
      { measuredAt: '2026-11-02T07:00:00.000Z', weightKg: 82.4, bodyFatPercentage: 21 },
      { measuredAt: '2026-11-02T19:00:00.000Z', weightKg: 83 },
      { measuredAt: '2026-11-20T07:00:00.000Z', weightKg: 80.9, skeletalMuscleMassKg: 36.2 },
      { measuredAt: '2026-10-31T07:00:00.000Z', weightKg: 85 }, // the month before
    ]) {
      expect((await api.put('/v1/me/body-composition', body, token)).status).toBe(200);
    }
    const trend = await api.get('/v1/analytics/body?period=month&from=2026-11-15', token);
    expect(trend.status).toBe(200);
    expect(trend.body).toMatchObject({
      period: 'month',
      from: '2026-11-01',
      to: '2026-11-30',
      timeZone: 'UTC',
    });
    expect(trend.body.days).toEqual([
      { date: '2026-11-02', weightKg: 83, bodyFatPercentage: 21, skeletalMuscleMassKg: null },
      { date: '2026-11-20', weightKg: 80.9, bodyFatPercentage: null, skeletalMuscleMassKg: 36.2 },
    ]);
    expect(trend.body.change).toEqual({
      weightKg: -2.1,
      bodyFatPercentage: null,
      skeletalMuscleMassKg: null,
    });

    const other = await registerMember(api);
    const theirs = await api.get('/v1/analytics/body?period=month&from=2026-11-15', other.accessToken);
    expect(theirs.body.days).toEqual([]);
    expect((await api.get('/v1/analytics/body?from=2026-02-30', token)).body.code).toBe('INVALID_DATE');
  });

  it('is read through an operation of identity that only analytics may call', async () => {
    const member = await registerMember(api);
    const ask = (service: string) =>
      callOperation(
        platform.busAs(service),
        identity.bodyCompositionSeries,
        { userId: member.user.id, from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
        { requestId: 'test', roles: [], branchRoles: {} },
        { timeoutMs: 5000 },
      );
    await expect(ask('workout')).rejects.toMatchObject({ status: 403, code: 'CALLER_NOT_ALLOWED' });
    await expect(ask('analytics')).resolves.toEqual({ items: [] });
  });
});
