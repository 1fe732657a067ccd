import { registerMember, startNutritionPlanningStandIn, usePlatform } from '@nxg/testing';
import { afterAll, describe, expect, it } from 'vitest';

const standIn = await startNutritionPlanningStandIn();
afterAll(() => standIn.close());
const QUOTA = 4;
// Two replicas share the planning service's daily quota through Redis and their database on a
// PostgreSQL server (one replica without either).
const replicas = process.env.REDIS_URL && process.env.DATABASE_URL ? 2 : 1;

const { platform, api } = usePlatform({
  replicas: { nutrition: replicas },
  env: {
    nutrition: {
      NUTRITION_AI_URL: standIn.baseUrl,
      NUTRITION_AI_API_KEY: standIn.apiKey,
      NUTRITION_AI_HMAC_SECRET: standIn.secret,
      NUTRITION_AI_QUOTA_PER_DAY: String(QUOTA),
    },
  },
});

describe('the nutrition planning service’s daily quota', () => {
  it(`is never exceeded by ${replicas} nutrition replicas together; members past it get a local plan`, async () => {
    expect(platform.services.nutrition).toHaveLength(replicas);
    const members = await Promise.all(Array.from({ length: 3 * QUOTA }, () => registerMember(api)));
    const plans = await Promise.all(
      members.map((m) => api.post('/v1/nutrition/plans/generate', {}, m.accessToken)),
    );
    expect(plans.map((p) => p.status)).toEqual(plans.map(() => 201));
    const sources = plans.map((p) => p.body.source as string);
    expect(standIn.count('/v1/plans/generate')).toBeLessThanOrEqual(QUOTA);
    expect(sources.filter((s) => s === 'ai').length).toBe(standIn.count('/v1/plans/generate'));
    expect(sources.filter((s) => s === 'fallback').length).toBeGreaterThanOrEqual(2 * QUOTA);
    expect(standIn.requests('/v1/plans/generate').every((r) => r.auth.ok)).toBe(true);
  });
});
