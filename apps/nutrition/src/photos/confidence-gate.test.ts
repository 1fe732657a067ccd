import { describe, expect, it } from 'vitest';
import { defaultBands, gateDetection, type DetectedItem } from './confidence-gate.ts';

const item = (name: string, confidence: number): DetectedItem => ({
  name,
  grams: 100,
  confidence,
  kcal: 100,
  proteinG: 5,
  carbsG: 10,
  fatG: 2,
});
const suggest = (name: string) => [{ foodId: '00001', name: `${name} (reference)` }];

describe('gateDetection', () => {
  it('accepts a meal whose every item is at or above the high band', () => {
    const gated = gateDetection([item('chicken', 0.85), item('broccoli', 0.99)], defaultBands, suggest);
    expect(gated.status).toBe('detected');
    expect(gated.items.map((i) => i.verdict)).toEqual(['accepted', 'accepted']);
  });

  it('asks to confirm when an item is in the middle band, keeping its alternatives', () => {
    const rice = { ...item('rice', 0.64), alternatives: [{ name: 'brown rice', confidence: 0.5 }] };
    const gated = gateDetection([item('chicken', 0.94), rice], defaultBands, suggest);
    expect(gated.status).toBe('needs_confirmation');
    expect(gated.items[1]).toMatchObject({ verdict: 'needs_confirmation', alternatives: rice.alternatives });
    expect(gated.items[1]!.suggestions).toBeUndefined();
  });

  it('wants manual entry, with food suggestions, when an item is below the band', () => {
    const gated = gateDetection([item('chicken', 0.94), item('stew', 0.49)], defaultBands, suggest);
    expect(gated.status).toBe('manual_entry_needed');
    expect(gated.items[1]).toMatchObject({
      verdict: 'manual_entry_needed',
      suggestions: [{ foodId: '00001', name: 'stew (reference)' }],
    });
  });

  it('wants manual entry when nothing was recognised', () => {
    expect(gateDetection([], defaultBands, suggest).status).toBe('manual_entry_needed');
  });
});
