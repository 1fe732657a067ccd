import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  apiClient,
  phoneJpeg,
  readEvents,
  registerMember,
  startMealDetectionStandIn,
  startPlatform,
  uploadPhoto,
  waitFor,
  type ApiClient,
  type MealDetectionStandIn,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Nutrition killed with -9 while members upload meal photos (real processes, local object store).

let detection: MealDetectionStandIn;
let platform: TestPlatform;
let api: ApiClient;
const dataDir = mkdtempSync(join(tmpdir(), 'nxg-photo-kill-'));

beforeAll(async () => {
  detection = await startMealDetectionStandIn();
  // Analyses take a moment, so the kill lands while some are in flight.
  detection.behave({ mode: 'slow', delayMs: 300 });
  platform = await startPlatform({
    processes: true,
    replicas: { nutrition: 1 },
    env: {
      all: { DATA_DIR: dataDir },
      gateway: { RATE_LIMIT_MAX: '100000', UPLOAD_RETRY_FOR_MS: '45000' },
      nutrition: {
        MEAL_AI_URL: detection.baseUrl,
        MEAL_AI_TOKEN: detection.token,
        MEAL_DETECTION_RETRY_INTERVAL_MS: '500',
      },
    },
  });
  api = apiClient(platform.gatewayUrl);
}, 180_000);
afterAll(async () => {
  await platform?.stop();
  await detection?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The member's stored photos, as object keys. */
function storedPhotos(userId: string): string[] {
  const dir = join(dataDir, 'objects', 'data', 'nutrition', 'meals', userId);
  try {
    return readdirSync(dir).map((name) => `nutrition/meals/${userId}/${name}`);
  } catch {
    return [];
  }
}

describe('nutrition killed with -9 during photo uploads', () => {
  it('loses no acknowledged meal, leaves no orphan photo and doubles no event', async () => {
    const since = new Date();
    const member = await registerMember(api);
    const url = `${platform.gatewayUrl}/v1/nutrition/meals/photo`;
    const photos = await Promise.all(
      Array.from({ length: 12 }, () => phoneJpeg({ width: 480, height: 360 })),
    );
    const acknowledged: string[] = [];
    const refused: number[] = [];
    let started = 0;
    // Three phones uploading one photo after another.
    const phones = [0, 1, 2].map(async (phone) => {
      for (let i = phone; i < photos.length; i += 3) {
        started++;
        const response = await uploadPhoto(url, member.accessToken, photos[i]!);
        if (response.status === 201) acknowledged.push(response.body.id as string);
        else refused.push(response.status);
      }
    });

    const nutrition = platform.services.nutrition![0]!;
    await waitFor(async () => started >= 4, 60_000, 20);
    await nutrition.kill();
    await nutrition.restart();
    await Promise.all(phones);

    // Uploads that met the dead service were asked again once it was back: every one acknowledged.
    expect(refused).toEqual([]);
    expect(acknowledged).toHaveLength(photos.length);
    const listed = await api.get('/v1/nutrition/meals?limit=100', member.accessToken);
    const meals = listed.body.items as Array<{ id: string; status: string; hasPhoto: boolean }>;
    expect(meals.map((m) => m.id).sort()).toEqual([...new Set(acknowledged)].sort());

    // One stored photo per meal: none left behind by an upload cut off with the service.
    await waitFor(async () => storedPhotos(member.user.id).length === meals.length, 15_000);
    expect(storedPhotos(member.user.id)).toHaveLength(meals.length);

    // Every meal is detected in the end (late for those cut off mid-analysis), each announced once.
    detection.behave({ mode: 'healthy' });
    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.detected',
      since,
      where: (event) => event.subject === member.user.id,
      expect: meals.length,
      quietMs: 5000,
    });
    const announced = events.map((event) => (event.data as { mealId: string }).mealId);
    expect(new Set(announced).size).toBe(announced.length);
    expect(announced.sort()).toEqual(meals.map((m) => m.id).sort());
  });
});
