import { describe, expect, it } from 'vitest';
import { cardioActivityOf, cardioCandidates, epley, recordCandidates } from './record-candidates.ts';

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

  it('a machine workout may be the longest, and from 400 m on the fastest (average km/h)', () => {
    expect(cardioCandidates({ distanceM: 5000, durationS: 1800 })).toEqual([
      { kind: 'longest_distance', weightKey: 0, value: 5000 },
      { kind: 'fastest_speed', weightKey: 0, value: 10 },
    ]);
    expect(cardioCandidates({ distanceM: 300, durationS: 60 })).toEqual([
      { kind: 'longest_distance', weightKey: 0, value: 300 },
    ]);
    expect(cardioCandidates({ distanceM: null, durationS: 600 })).toEqual([]);
    expect(cardioActivityOf('Sim treadmill 02', '12150')).toBe('Treadmill run');
    expect(cardioActivityOf('Leg press', '02054')).toBe('Leg press');
  });
});
