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
    replicas: { workout: 1 },
    env: { gateway: { RATE_LIMIT_MAX: '100000' } },
  });
  api = apiClient(platform.gatewayUrl);
});
afterAll(() => platform?.stop());

describe('workout killed with -9 while members log sets', () => {
  it('loses no acknowledged set and no event, and doubles none', async () => {
    const since = new Date();
    const member = await registerMember(api);
    const workout = platform.services.workout![0]!;
    const acknowledged: string[] = [];
    let stop = false;
    // Ten requests at a time, back to back: concurrent writes share transactions.
    const phones = Array.from({ length: 10 }, async () => {
      while (!stop) {
        const response = await api.post(
          '/v1/workouts/logs',
          { exerciseId: 'bench-press', reps: 8, weightKg: 50 },
          member.accessToken,
        );
        if (response.status === 201) acknowledged.push(response.body.id as string);
        else await new Promise((r) => setTimeout(r, 50)); // 503/504 while workout is down
      }
    });

    await waitFor(async () => acknowledged.length >= 100, 30_000);
    await workout.kill();
    const beforeRestart = acknowledged.length;
    await workout.restart();
    await waitFor(async () => acknowledged.length >= beforeRestart + 100, 30_000);
    stop = true;
    await Promise.all(phones);

    const listed: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await api.get(
        `/v1/workouts/logs?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        member.accessToken,
      );
      expect(page.status).toBe(200);
      listed.push(...(page.body.items as Array<{ id: string }>).map((log) => log.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    // Every acknowledged set is stored (a request cut off by the kill may be stored unacknowledged).
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed).toEqual(expect.arrayContaining(acknowledged));

    // Each stored set is announced exactly once.
    const events = await readEvents(platform.nc, {
      stream: 'WORKOUT',
      subject: 'workout.exercise.logged',
      since,
      where: (event) => event.subject === member.user.id,
      expect: listed.length,
      quietMs: 5000,
    });
    const announced = events.map((event) => (event.data as { logId: string }).logId);
    expect(announced.sort()).toEqual([...listed].sort());
  });
});
