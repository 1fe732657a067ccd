import { apiClient, killUnderWrites, startPlatform, type ApiClient, type TestPlatform } from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let platform: TestPlatform;
let api: ApiClient;

beforeAll(async () => {
  platform = await startPlatform({
    processes: true,
    replicas: { workout: 1 },
    env: { gateway: { RATE_LIMIT_MAX: '100000' } },
  });
  api = apiClient(platform.gatewayUrl);
});
afterAll(() => platform?.stop());

describe('workout killed with -9 while members log sets', () => {
  it('loses no acknowledged set and no event, and doubles none', async () => {
    const { acknowledged, listed, announced } = await killUnderWrites({
      platform,
      api,
      service: 'workout',
      write: (token) =>
        api.post('/v1/workouts/logs', { exerciseId: 'bench-press', reps: 8, weightKg: 50 }, token),
      listPath: '/v1/workouts/logs',
      events: {
        stream: 'WORKOUT',
        subject: 'workout.exercise.logged',
        idOf: (data) => (data as { logId: string }).logId,
      },
    });
    // Every acknowledged set is stored (a request cut off by the kill may be stored unacknowledged).
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining(acknowledged));
    // Each stored set is announced exactly once.
    expect(announced.sort()).toEqual([...listed].sort());
  });
});
