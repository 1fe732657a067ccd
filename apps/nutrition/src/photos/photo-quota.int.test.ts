import {
  apiClient,
  phoneJpeg,
  registerMember,
  startMealDetectionStandIn,
  startPlatform,
  uploadPhoto,
  type ApiClient,
  type MealDetectionStandIn,
  type TestPlatform,
} from '@nxg/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// Two nutrition replicas share the meal detection service's hourly quota (counted in Redis) and
// each member's daily allowance: what one replica spent, the other cannot spend again. Replicas
// share a database only on a PostgreSQL server.
const enabled = Boolean(process.env.REDIS_URL && process.env.DATABASE_URL);

const QUOTA_PER_HOUR = 6;
const PER_MEMBER_PER_DAY = 3;
const analyze = '/v1/analyze/image';

let detection: MealDetectionStandIn;
let platform: TestPlatform;
let api: ApiClient;
let photoUrl: string;

beforeAll(async () => {
  if (!enabled) return;
  detection = await startMealDetectionStandIn();
  platform = await startPlatform({
    replicas: { nutrition: 2 },
    env: {
      nutrition: {
        MEAL_AI_URL: detection.baseUrl,
        MEAL_AI_TOKEN: detection.token,
        MEAL_AI_QUOTA_PER_HOUR: String(QUOTA_PER_HOUR),
        MEAL_DETECTIONS_PER_MEMBER_PER_DAY: String(PER_MEMBER_PER_DAY),
        // Later tries would only meet the same spent quota: keep them out of this test's counts.
        MEAL_DETECTION_RETRY_INTERVAL_MS: '600000',
      },
    },
  });
  api = apiClient(platform.gatewayUrl);
  photoUrl = `${platform.gatewayUrl}/v1/nutrition/meals/photo`;
}, 120_000);
afterAll(async () => {
  await platform?.stop();
  await detection?.close();
});

const photo = () => phoneJpeg({ width: 320, height: 240 });

describe.skipIf(!enabled)('detection quotas with two nutrition replicas', () => {
  it('stop one member at their daily allowance, then everyone at the shared hourly quota', async () => {
    detection.see([
      { name: 'Apple', grams: 150, confidence: 0.97, kcal: 78, proteinG: 0.4, carbsG: 20.7, fatG: 0.3 },
    ]);
    const member = await registerMember(api);
    const mine = [];
    for (let i = 0; i < PER_MEMBER_PER_DAY + 2; i++)
      mine.push(await uploadPhoto(photoUrl, member.accessToken, await photo()));
    expect(mine.map((r) => r.status)).toEqual(Array(PER_MEMBER_PER_DAY + 2).fill(201));
    // Photos past the allowance are kept for manual entry, not analysed.
    expect(mine.slice(PER_MEMBER_PER_DAY).map((r) => r.body.status)).toEqual([
      'manual_entry_needed',
      'manual_entry_needed',
    ]);
    expect(detection.count(analyze)).toBe(PER_MEMBER_PER_DAY);

    // Two more members upload at once, through both replicas: the hour's quota is spent exactly, never passed.
    const others = await Promise.all([registerMember(api), registerMember(api)]);
    const theirs = await Promise.all(
      others.flatMap((m) =>
        Array.from({ length: PER_MEMBER_PER_DAY }, async () =>
          uploadPhoto(photoUrl, m.accessToken, await photo()),
        ),
      ),
    );
    expect(theirs.every((r) => r.status === 201)).toBe(true);
    expect(detection.count(analyze)).toBe(QUOTA_PER_HOUR);
    const analysed = theirs.filter((r) => r.body.status !== 'manual_entry_needed');
    expect(analysed).toHaveLength(QUOTA_PER_HOUR - PER_MEMBER_PER_DAY);
  });
});
