import { describe, expect, it } from 'vitest';
import { metKcal, metValueFor, metValues } from './met-values.ts';

describe('the MET table', () => {
  it('cites each figure by its Compendium code, once', () => {
    expect(metValues.length).toBeGreaterThanOrEqual(12);
    expect(new Set(metValues.map((m) => m.code)).size).toBe(metValues.length);
    for (const m of metValues) expect(m.code).toMatch(/^\d{5}$/);
    // Known figures of the 2011 Compendium.
    expect(metValues.find((m) => m.code === '02010')?.met).toBe(7.0);
    expect(metValues.find((m) => m.code === '02054')?.met).toBe(3.5);
    expect(metValues.find((m) => m.code === '02070')?.met).toBe(6.0);
  });

  it('finds the activity a machine or exercise name describes, by whole words', () => {
    expect(metValueFor('Sim treadmill 03', { weighted: false }).code).toBe('12150');
    expect(metValueFor('Rower interval (512 m)', { weighted: false }).code).toBe('02070');
    expect(metValueFor('Bike interval (300 m)', { weighted: false }).code).toBe('02010');
    expect(metValueFor('Bodyweight squats', { weighted: false }).code).toBe('02052');
    expect(metValueFor('Rope skipping', { weighted: false }).code).toBe('02068');
    // "crunch" holds "run" but is no running; a weighted set nothing names is weight training.
    expect(metValueFor('Crunch', { weighted: false }).code).toBe('02024');
    expect(metValueFor('Chest press', { weighted: true }).code).toBe('02054');
    expect(metValueFor('Bear crawl', { weighted: false }).code).toBe('02022');
  });

  it('gives kcal as MET × kg × hours', () => {
    expect(metKcal(3.5, 70, 3600)).toBe(245);
    expect(metKcal(8, 80, 900)).toBe(160);
  });
});
