import { apiClient, killUnderWrites, startPlatform, type ApiClient, type TestPlatform } from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let platform: TestPlatform;
let api: ApiClient;

beforeAll(async () => {
  platform = await startPlatform({
    processes: true,
    replicas: { nutrition: 1 },
    env: { gateway: { RATE_LIMIT_MAX: '100000' } },
  });
  api = apiClient(platform.gatewayUrl);
});
afterAll(() => platform?.stop());

describe('nutrition killed with -9 while members log meals', () => {
  it('loses no acknowledged meal and no event, and doubles none', async () => {
    const { acknowledged, listed, announced } = await killUnderWrites({
      platform,
      api,
      service: 'nutrition',
      write: (token) =>
        api.post(
          '/v1/nutrition/meals',
          { mealType: 'snack', items: [{ foodId: '09003', grams: 150 }] },
          token,
        ),
      listPath: '/v1/nutrition/meals',
      events: {
        stream: 'NUTRITION',
        subject: 'nutrition.meal.logged',
        idOf: (data) => (data as { mealId: string }).mealId,
      },
      recoverWithinMs: 60_000,
    });
    // Every acknowledged meal is stored (a request cut off by the kill may be stored unacknowledged).
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining(acknowledged));
    // Each stored meal is announced exactly once.
    expect(announced.sort()).toEqual([...listed].sort());
  });
});
