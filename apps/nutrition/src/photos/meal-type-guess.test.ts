import { describe, expect, it } from 'vitest';
import { guessMealType } from './meal-type-guess.ts';

describe('guessMealType', () => {
  it('reads the hour in the member’s time zone', () => {
    const at = new Date('2026-11-30T07:15:00Z');
    expect(guessMealType(at, 'UTC')).toBe('breakfast');
    // 07:15 UTC is 14:15 in Bangkok and 21:15 the evening before in Honolulu.
    expect(guessMealType(at, 'Asia/Bangkok')).toBe('lunch');
    expect(guessMealType(at, 'Pacific/Honolulu')).toBe('dinner');
    expect(guessMealType(new Date('2026-11-30T03:00:00Z'), 'UTC')).toBe('snack');
    expect(guessMealType(new Date('2026-11-30T19:00:00Z'), 'UTC')).toBe('dinner');
  });
});
