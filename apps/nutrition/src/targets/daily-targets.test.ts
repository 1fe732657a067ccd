import { describe, expect, it } from 'vitest';
import { dailyTargets } from './daily-targets.ts';

describe('daily targets', () => {
  it('follow Mifflin-St Jeor, the activity factor and the goal', () => {
    // 10·90 + 6.25·185 − 5·40 + 5 = 1861.25 kcal at rest; × 1.2 (sedentary) × 0.8 (lose weight) = 1787.
    const targets = dailyTargets({
      demographics: { age: 40, heightCm: 185, weightKg: 90, gender: 'male', activityLevel: 'sedentary' },
      goal: 'lose_weight',
    });
    expect(targets).toMatchObject({ kcal: 1787, method: 'mifflin_st_jeor', source: 'profile', assumed: [] });
    // Protein 2 g/kg would be 180 g, more than 35 % of the energy: held at 156 g. Fat 30 %.
    expect(targets).toMatchObject({ proteinG: 156, fatG: 60 });
    expect(targets.proteinG * 4 + targets.carbsG * 4 + targets.fatG * 9).toBeCloseTo(targets.kcal, -1);
  });

  it('say what they assumed, and fall back to the reference intake without body figures', () => {
    const partial = dailyTargets({ demographics: { weightKg: 60 }, goal: null });
    expect(partial).toMatchObject({
      kcal: 2000,
      proteinG: 84,
      method: 'reference_intake',
      source: 'defaults',
    });
    expect(partial.assumed).toEqual([
      'demographics.heightCm',
      'demographics.age',
      'demographics.gender',
      'demographics.activityLevel',
      'fitnessProfile.goal',
    ]);
    const noActivity = dailyTargets({
      demographics: { age: 30, heightCm: 170, weightKg: 65, gender: 'other' },
      goal: 'general_fitness',
    });
    expect(noActivity.source).toBe('profile');
    expect(noActivity.assumed).toEqual(['demographics.activityLevel']);
  });
});
