import { describe, expect, it } from 'vitest';
import { epley, recordCandidates } from './record-candidates.ts';

describe('record candidates of a set', () => {
  it('estimates the 1RM by Epley', () => {
    expect(epley(100, 1)).toBe(100);
    expect(epley(100, 10)).toBe(133.3);
    expect(epley(60, 5)).toBe(70);
  });

  it('a weighted set may be the heaviest, the best 1RM and the most reps at its weight', () => {
    expect(recordCandidates({ reps: 5, weightKg: 60 })).toEqual([
      { kind: 'most_reps', weightKey: 60, value: 5 },
      { kind: 'heaviest', weightKey: 0, value: 60 },
      { kind: 'estimated_1rm', weightKey: 0, value: 70 },
    ]);
  });

  it('a bodyweight set only counts repetitions, a timed one nothing', () => {
    expect(recordCandidates({ reps: 20, weightKg: null })).toEqual([
      { kind: 'most_reps', weightKey: 0, value: 20 },
    ]);
    expect(recordCandidates({ reps: null, weightKg: null })).toEqual([]);
    expect(recordCandidates({ reps: 0, weightKg: 80 })).toEqual([]);
  });
});
