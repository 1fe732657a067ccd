import { describe, expect, it } from 'vitest';
import { runThrough, streakEndsThrough } from './training-days.ts';

const days = (...list: string[]) => new Map(list.map((d) => [d, true]));

describe('training days in a row', () => {
  it('measures the run through a day, across a month end', () => {
    const trained = days('2026-10-30', '2026-10-31', '2026-11-01', '2026-11-03');
    expect(runThrough(trained, '2026-10-31')).toBe(3);
    expect(runThrough(trained, '2026-11-03')).toBe(1);
    expect(runThrough(trained, '2026-11-02')).toBe(0);
  });

  it('names the days a new training day completes three in a row, the same whatever order days came in', () => {
    // 1, 2, 4, 5 known; 3 arrives last: 3, 4 and 5 each end three in a row.
    const all = days('2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05');
    expect(streakEndsThrough(all, '2026-10-03', 3)).toEqual(['2026-10-03', '2026-10-04', '2026-10-05']);
    // In order, each day completes only itself: over the five days the same three days are named.
    const named = ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05'].flatMap(
      (day, i, list) => streakEndsThrough(days(...list.slice(0, i + 1)), day, 3),
    );
    expect(named).toEqual(['2026-10-03', '2026-10-04', '2026-10-05']);
  });
});
