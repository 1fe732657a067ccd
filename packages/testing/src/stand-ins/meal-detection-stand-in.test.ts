import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiClient, type ApiClient } from '../http-client.ts';
import { phoneJpeg } from '../test-images.ts';
import {
  plateFor,
  startMealDetectionStandIn,
  standInModel,
  type MealDetectionStandIn,
} from './meal-detection-stand-in.ts';

describe('meal detection stand-in', () => {
  let standIn: MealDetectionStandIn;
  let api: ApiClient;
  let image: string;
  const analyze = (body: unknown, token = standIn.token) =>
    api.send('POST', '/v1/analyze/image', { body, headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    standIn = await startMealDetectionStandIn({ rateLimit: { limit: 3, windowS: 3600 } });
    api = apiClient(standIn.url);
    image = (await phoneJpeg({ width: 64, height: 48 })).toString('base64');
  });
  afterAll(() => standIn.close());
  beforeEach(() => standIn.reset());

  it('requires its bearer token, and records why it refused', async () => {
    expect((await analyze({ image }, 'wrong')).status).toBe(401);
    expect(standIn.requests()[0]).toMatchObject({
      status: 401,
      auth: { ok: false, reason: 'invalid token' },
    });
  });

  it('sees the same plate in the same image, with its model, and what it is told to see', async () => {
    const hash = 'ab'.repeat(32);
    const first = await analyze({ image, imageHash: hash });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ model: standInModel, imageHash: hash, items: plateFor(hash) });
    standIn.see([
      { name: 'Apple', grams: 150, confidence: 0.97, kcal: 78, proteinG: 0.4, carbsG: 20.7, fatG: 0.3 },
    ]);
    expect((await analyze({ image })).body.items).toEqual([expect.objectContaining({ name: 'Apple' })]);
    // Only JPEGs are analysed.
    expect((await analyze({ image: Buffer.from('not an image at all').toString('base64') })).status).toBe(
      422,
    );
  });

  it('takes feedback, and answers confidence scores of its analyses', async () => {
    const analysis = (await analyze({ image, imageHash: 'cd'.repeat(32) })).body;
    const score = await api.send('GET', `/v1/confidence/score?analysisId=${analysis.analysisId}`, {
      headers: { authorization: `Bearer ${standIn.token}` },
    });
    expect(score.body.items).toEqual(analysis.items.map((i: { confidence: number }) => i.confidence));
    const feedback = {
      analysisId: analysis.analysisId,
      mealId: 'm1',
      items: [{ foodId: '05064', grams: 150 }],
    };
    const taken = await api.send('POST', '/v1/correction/feedback', {
      body: feedback,
      headers: { authorization: `Bearer ${standIn.token}` },
    });
    expect(taken.status).toBe(202);
    expect(standIn.feedback()).toEqual([feedback]);
  });

  it('fails and talks nonsense when told, then recovers, and keeps its own hourly limit', async () => {
    standIn.behave({ mode: 'fail', status: 503, times: 1 });
    expect((await analyze({ image })).status).toBe(503);
    standIn.behave({ mode: 'garbage', times: 1 });
    const garbage = await analyze({ image });
    expect(garbage.status).toBe(200);
    expect(garbage.body.items[0].confidence).toBe('high');
    expect((await analyze({ image })).status).toBe(200);
    // Its own limit: 3 an hour in this test, the fourth answered 429 with Retry-After.
    const limited = await analyze({ image });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(standIn.count('/v1/analyze/image')).toBe(4);
  });
});
