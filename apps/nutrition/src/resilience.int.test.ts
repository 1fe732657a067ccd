import {
  apiClient,
  readEvents,
  registerMember,
  startPlatform,
  waitFor,
  type ApiClient,
  type TestPlatform,
} from '@nxg/testing';
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
    const since = new Date();
    const member = await registerMember(api);
    const nutrition = platform.services.nutrition![0]!;
    const acknowledged: string[] = [];
    let stop = false;
    // Ten requests at a time, back to back: concurrent meals share transactions.
    const phones = Array.from({ length: 10 }, async () => {
      while (!stop) {
        const response = await api.post(
          '/v1/nutrition/meals',
          { mealType: 'snack', items: [{ foodId: '09003', grams: 150 }] },
          member.accessToken,
        );
        if (response.status === 201) acknowledged.push(response.body.id as string);
        else await new Promise((r) => setTimeout(r, 50)); // 503/504 while nutrition is down
      }
    });

    await waitFor(async () => acknowledged.length >= 100, 30_000);
    await nutrition.kill();
    const beforeRestart = acknowledged.length;
    await nutrition.restart();
    await waitFor(async () => acknowledged.length >= beforeRestart + 100, 60_000);
    stop = true;
    await Promise.all(phones);

    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.get(
        `/v1/nutrition/meals?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        member.accessToken,
      );
      expect(page.status).toBe(200);
      listed.push(...(page.body.items as Array<{ id: string }>).map((meal) => meal.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    // Every acknowledged meal is stored (a request cut off by the kill may be stored unacknowledged).
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining(acknowledged));

    // Each stored meal is announced exactly once.
    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.logged',
      since,
      where: (event) => event.subject === member.user.id,
      expect: listed.length,
      quietMs: 5000,
    });
    const announced = events.map((event) => (event.data as { mealId: string }).mealId);
    expect(announced.sort()).toEqual([...listed].sort());
  });
});
