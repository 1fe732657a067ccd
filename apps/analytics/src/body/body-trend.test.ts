import { describe, expect, it } from 'vitest';
import { bodyTrendOf } from './body-trend.ts';

const m = (measuredAt: string, figures: Record<string, number>) => ({
  id: measuredAt,
  measuredAt,
  source: 'scale',
  ...figures,
});

describe('a body-composition trend', () => {
  it('keeps each day’s last figure of each kind and the change over the period', () => {
    const trend = bodyTrendOf(
      [
        m('2026-11-02T07:00:00.000Z', { weightKg: 82.4, bodyFatPercentage: 21 }),
        m('2026-11-02T19:00:00.000Z', { weightKg: 83.0 }),
        m('2026-11-20T07:00:00.000Z', { weightKg: 80.9, skeletalMuscleMassKg: 36.2 }),
      ],
      (x) => x.measuredAt.slice(0, 10),
    );
    expect(trend.days).toEqual([
      { date: '2026-11-02', weightKg: 83.0, bodyFatPercentage: 21, skeletalMuscleMassKg: null },
      { date: '2026-11-20', weightKg: 80.9, bodyFatPercentage: null, skeletalMuscleMassKg: 36.2 },
    ]);
    expect(trend.change).toEqual({ weightKg: -2.1, bodyFatPercentage: null, skeletalMuscleMassKg: null });
  });

  it('is empty without measurements', () => {
    expect(bodyTrendOf([], () => '')).toEqual({
      days: [],
      change: { weightKg: null, bodyFatPercentage: null, skeletalMuscleMassKg: null },
    });
  });
});
