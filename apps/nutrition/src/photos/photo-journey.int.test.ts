import { createS3ObjectStore, type ObjectStore } from '@nxg/platform';
import {
  apiClient,
  phoneJpeg,
  readEvents,
  registerMember,
  startMealDetectionStandIn,
  startPlatform,
  startS3StandIn,
  uploadPhoto,
  waitFor,
  type ApiClient,
  type MealDetectionStandIn,
  type S3StandIn,
  type StandInDetectedItem,
  type TestPlatform,
} from '@nxg/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

// The meal photo path end to end through the gateway, with the photos in S3 (the real AWS SDK
// client against the S3 stand-in). Quotas across two replicas: photo-quota.int.test.ts.
const analyze = '/v1/analyze/image';

let s3: S3StandIn;
let detection: MealDetectionStandIn;
let platform: TestPlatform;
let api: ApiClient;
let bucket: ObjectStore;
let photoUrl: string;

const chicken: StandInDetectedItem = {
  name: 'Grilled chicken breast',
  grams: 150,
  confidence: 0.94,
  kcal: 247.5,
  proteinG: 46.5,
  carbsG: 0,
  fatG: 5.4,
};
const rice: StandInDetectedItem = {
  name: 'Rice, white, cooked',
  grams: 180,
  confidence: 0.64,
  kcal: 234,
  proteinG: 4.9,
  carbsG: 50.4,
  fatG: 0.5,
  alternatives: [
    { name: 'Rice, brown, cooked', confidence: 0.55 },
    { name: 'Couscous, cooked', confidence: 0.2 },
  ],
};

beforeAll(async () => {
  [s3, detection] = await Promise.all([startS3StandIn(), startMealDetectionStandIn()]);
  // The AWS SDK takes its credentials from the environment, as in production.
  process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
  process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  const storage = { S3_BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint, S3_REGION: s3.region };
  platform = await startPlatform({
    replicas: { nutrition: 1 },
    env: {
      all: storage,
      nutrition: {
        MEAL_AI_URL: detection.baseUrl,
        MEAL_AI_TOKEN: detection.token,
        MEAL_DETECTION_RETRY_INTERVAL_MS: '300',
        MEAL_DETECTION_WAIT_MS: '1500',
        MEAL_AI_TIMEOUT_MS: '5000',
      },
    },
  });
  api = apiClient(platform.gatewayUrl);
  photoUrl = `${platform.gatewayUrl}/v1/nutrition/meals/photo`;
  bucket = createS3ObjectStore({
    bucket: s3.bucket,
    region: s3.region,
    endpoint: s3.endpoint,
    credentials: s3.credentials,
  });
}, 120_000);
afterAll(async () => {
  bucket?.close();
  await platform?.stop();
  await Promise.all([s3?.close(), detection?.close()]);
});
beforeEach(() => detection.see(null));

/** The key of the member's latest stored photo, from what the S3 stand-in received. */
const latestPhotoKey = (userId: string) =>
  s3
    .requests()
    .filter((r) => r.method === 'PUT' && r.status === 200 && r.url.includes(`/nutrition/meals/${userId}/`))
    .map((r) => decodeURIComponent(r.url.split('?')[0]!.slice(`/${s3.bucket}/`.length)))
    .at(-1);

describe('a meal photo, end to end', () => {
  it('is stored without EXIF, detected, confirmed, and counted in the list and the day', async () => {
    const member = await registerMember(api);
    detection.see([chicken, rice]);
    const original = await phoneJpeg({ width: 1600, height: 1200 });
    const exif = (await sharp(original).metadata()).exif!;
    expect(exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88]))).toBe(true); // GPS IFD

    const before = detection.count(analyze);
    const uploaded = await uploadPhoto(photoUrl, member.accessToken, original, {
      fields: { mealType: 'lunch' },
    });
    expect(uploaded.status).toBe(201);
    const meal = uploaded.body;
    expect(meal).toMatchObject({
      mealType: 'lunch',
      source: 'photo',
      status: 'needs_confirmation',
      model: 'mealvision',
      modelVersion: '2026.11-standin',
      hasPhoto: true,
    });
    expect(meal.items).toEqual([
      expect.objectContaining({ name: chicken.name, confidence: 0.94, verdict: 'accepted' }),
      expect.objectContaining({
        name: rice.name,
        confidence: 0.64,
        verdict: 'needs_confirmation',
        alternatives: [
          expect.objectContaining({ name: 'Rice, brown, cooked' }),
          expect.objectContaining({ name: 'Couscous, cooked' }),
        ],
      }),
    ]);

    // One analysis, with the bearer token, of the cleaned image (no EXIF left to send either).
    expect(detection.count(analyze)).toBe(before + 1);
    const sent = detection.requests(analyze).at(-1)!;
    expect(sent.headers.authorization).toBe(`Bearer ${detection.token}`);
    const sentImage = Buffer.from((sent.body as { image: string }).image, 'base64');
    expect((await sharp(sentImage).metadata()).exif).toBeUndefined();

    // The stored object, read back from the bucket: upright (orientation 6 applied), no metadata.
    const key = latestPhotoKey(member.user.id);
    expect(key).toMatch(new RegExp(`^nutrition/meals/${member.user.id}/[0-9a-f-]{36}\\.jpg$`));
    const { info, body } = await bucket.get(key!);
    expect(info.contentType).toBe('image/jpeg');
    const stored = Buffer.concat(await body.toArray());
    const storedMeta = await sharp(stored).metadata();
    expect([storedMeta.width, storedMeta.height]).toEqual([1200, 1600]);
    expect(storedMeta.exif).toBeUndefined();
    expect(storedMeta.orientation).toBeUndefined();
    expect(stored.includes(Buffer.from('NXG TestCam'))).toBe(false);

    // Its short-lived URL (an S3 presigned GET) reads the same bytes.
    const link = await api.get(`/v1/nutrition/meals/${meal.id}/photo`, member.accessToken);
    expect(link.status).toBe(200);
    expect(link.body.url).toContain('X-Amz-Signature=');
    expect(Date.parse(link.body.expiresAt) - Date.now()).toBeLessThanOrEqual(300_000);
    expect(Buffer.from(await (await fetch(link.body.url)).arrayBuffer()).equals(stored)).toBe(true);

    // The member says the rice was brown rice, weighed from the reference foods.
    const foods = await api.get('/v1/nutrition/foods?q=rice%20brown%20cooked&limit=5', member.accessToken);
    const brownRice = foods.body.items.find(
      (f: { name: string }) => /brown/i.test(f.name) && /cooked/i.test(f.name),
    );
    expect(brownRice).toBeDefined();
    const confirmed = await api.post(
      `/v1/nutrition/meals/${meal.id}/confirm`,
      {
        items: [
          { name: chicken.name, grams: 150, kcal: 247.5, proteinG: 46.5, carbsG: 0, fatG: 5.4 },
          { foodId: brownRice.id, grams: 180 },
        ],
      },
      member.accessToken,
    );
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({
      id: meal.id,
      status: 'logged',
      source: 'photo',
      model: 'mealvision',
    });
    const riceKcal = Math.round(brownRice.per100g.kcal * 1.8 * 10) / 10;
    expect(confirmed.body.totals.kcal).toBeCloseTo(247.5 + riceKcal, 0);

    // The correction reaches the detection service as feedback, on the analysis it corrects.
    const feedback = await waitFor(async () => detection.feedback().find((f) => f.mealId === meal.id));
    expect(feedback.analysisId).toMatch(/^an-/);
    expect(feedback.items).toHaveLength(2);

    const day = meal.localDate as string;
    const listed = await api.get(`/v1/nutrition/meals?from=${day}&to=${day}`, member.accessToken);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ id: meal.id, totals: confirmed.body.totals }),
    ]);
    const dayView = await api.get(`/v1/nutrition/days/${day}`, member.accessToken);
    expect(dayView.status).toBe(200);
    const lunch = dayView.body.meals.find((m: { mealType: string }) => m.mealType === 'lunch');
    expect(lunch).toMatchObject({ mealIds: [meal.id] });
    expect(lunch.eaten.kcal).toBeCloseTo(confirmed.body.totals.kcal, 1);
    expect(dayView.body.total.eaten.kcal).toBeCloseTo(confirmed.body.totals.kcal, 1);

    const detected = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.detected',
      since: new Date(Date.now() - 60_000),
      where: (e) => (e.data as { mealId: string }).mealId === meal.id,
      expect: 1,
    });
    expect(detected).toHaveLength(1);
    expect(detected[0]!.data).toMatchObject({
      status: 'needs_confirmation',
      toConfirmCount: 1,
      acceptedCount: 1,
      late: false,
    });
  });

  it('analyses the same photo once, however often it is uploaded', async () => {
    const member = await registerMember(api);
    const photo = await phoneJpeg({ width: 800, height: 600 });
    const before = detection.count(analyze);
    const first = await uploadPhoto(photoUrl, member.accessToken, photo);
    const second = await uploadPhoto(photoUrl, member.accessToken, photo);
    expect([first.status, second.status]).toEqual([201, 201]);
    expect(second.body.id).not.toBe(first.body.id);
    expect(second.body.items).toEqual(first.body.items);
    expect(detection.count(analyze)).toBe(before + 1);
  });

  it('answers at once for manual entry when the service is down, and detects the meal later', async () => {
    const member = await registerMember(api);
    detection.behave({ mode: 'fail', status: 503 });
    const before = detection.count(analyze);
    const uploaded = await uploadPhoto(
      photoUrl,
      member.accessToken,
      await phoneJpeg({ width: 640, height: 480 }),
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({
      status: 'manual_entry_needed',
      items: [],
      source: 'photo',
      model: null,
    });
    // One try, no retries while the member waits.
    expect(detection.count(analyze)).toBe(before + 1);

    detection.behave({ mode: 'healthy' });
    detection.see([chicken]);
    const later = await waitFor(async () => {
      const list = await api.get('/v1/nutrition/meals', member.accessToken);
      const found = list.body.items.find((m: { id: string }) => m.id === uploaded.body.id);
      return found?.status === 'detected' ? found : undefined;
    });
    expect(later).toMatchObject({
      model: 'mealvision',
      items: [expect.objectContaining({ name: chicken.name })],
    });
    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.detected',
      since: new Date(Date.now() - 60_000),
      where: (e) => (e.data as { mealId: string }).mealId === uploaded.body.id,
      expect: 1,
    });
    expect(events.map((e) => (e.data as { late: boolean }).late)).toEqual([true]);
  });

  it('keeps a meal for manual entry when the service answers nonsense, and detects it later', async () => {
    const member = await registerMember(api);
    detection.see([chicken]);
    detection.behave({ mode: 'garbage', times: 1 });
    const uploaded = await uploadPhoto(
      photoUrl,
      member.accessToken,
      await phoneJpeg({ width: 640, height: 480 }),
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body).toMatchObject({ status: 'manual_entry_needed', items: [] });
    const later = await waitFor(async () => {
      const list = await api.get('/v1/nutrition/meals', member.accessToken);
      const found = list.body.items.find((m: { id: string }) => m.id === uploaded.body.id);
      return found?.status === 'detected' ? found : undefined;
    });
    expect(later.items).toEqual([expect.objectContaining({ name: chicken.name, verdict: 'accepted' })]);
  });

  it('answers a slow analysis for manual entry, then applies it when it lands, without asking twice', async () => {
    const member = await registerMember(api);
    detection.see([chicken]);
    detection.behave({ mode: 'slow', delayMs: 3000, times: 1 });
    const before = detection.count(analyze);
    const uploaded = await uploadPhoto(
      photoUrl,
      member.accessToken,
      await phoneJpeg({ width: 640, height: 480 }),
    );
    expect(uploaded.status).toBe(201);
    expect(uploaded.body.status).toBe('manual_entry_needed');
    const later = await waitFor(async () => {
      const list = await api.get('/v1/nutrition/meals', member.accessToken);
      const found = list.body.items.find((m: { id: string }) => m.id === uploaded.body.id);
      return found?.status === 'detected' ? found : undefined;
    });
    expect(later.model).toBe('mealvision');
    expect(detection.count(analyze)).toBe(before + 1);
  });

  it('fails fast while the breaker is open, without calling the failing service', async () => {
    const member = await registerMember(api);
    detection.behave({ mode: 'fail', status: 500 });
    // Enough failures to open the breaker (half of at least five calls in its window).
    for (let i = 0; i < 6; i++)
      await uploadPhoto(photoUrl, member.accessToken, await phoneJpeg({ width: 320, height: 240 }));
    const before = detection.count(analyze);
    const fast = await uploadPhoto(
      photoUrl,
      member.accessToken,
      await phoneJpeg({ width: 320, height: 240 }),
    );
    expect(fast.status).toBe(201);
    expect(fast.body.status).toBe('manual_entry_needed');
    expect(detection.count(analyze)).toBe(before);
    detection.behave({ mode: 'healthy' });
  });

  it('deletes the stored photo again when nutrition refuses the meal', async () => {
    const member = await registerMember(api);
    const tomorrow = new Date(Date.now() + 86_400_000).toISOString();
    const refused = await uploadPhoto(
      photoUrl,
      member.accessToken,
      await phoneJpeg({ width: 320, height: 240 }),
      {
        fields: { eatenAt: tomorrow },
      },
    );
    expect([refused.status, refused.body.code]).toEqual([400, 'MEAL_IN_FUTURE']);
    // The gateway had stored it before asking; nothing of it is left in the bucket.
    const key = latestPhotoKey(member.user.id)!;
    expect(key).toBeDefined();
    expect(await bucket.head(key)).toBeNull();
    expect(s3.requests().some((r) => r.method === 'DELETE' && decodeURIComponent(r.url).includes(key))).toBe(
      true,
    );
  });

  it('answers 503 and stores no meal while object storage keeps failing', async () => {
    const member = await registerMember(api);
    s3.behave({ mode: 'fail', status: 503 });
    try {
      const refused = await uploadPhoto(
        photoUrl,
        member.accessToken,
        await phoneJpeg({ width: 320, height: 240 }),
      );
      expect([refused.status, refused.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
      expect(refused.headers.get('retry-after')).toBe('5');
    } finally {
      s3.behave({ mode: 'healthy' });
    }
    expect((await api.get('/v1/nutrition/meals', member.accessToken)).body.items).toEqual([]);
  });

  it('removes the stored photos when the account is erased', async () => {
    const member = await registerMember(api);
    const uploaded = await uploadPhoto(
      photoUrl,
      member.accessToken,
      await phoneJpeg({ width: 320, height: 240 }),
    );
    expect(uploaded.status).toBe(201);
    const key = latestPhotoKey(member.user.id)!;
    expect(await bucket.head(key)).not.toBeNull();
    expect((await api.delete('/v1/me', member.accessToken)).status).toBe(204);
    await waitFor(async () => (await bucket.head(key)) === null, 20_000);
  });
});
