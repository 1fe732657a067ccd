import { describe, expect, it } from 'vitest';
import { addDays, dayIn, daysOf, parseLocalDate, periodContaining } from './periods.ts';

describe('calendar periods', () => {
  it('a week runs Monday to Sunday, across a month and a year end', () => {
    expect(periodContaining('week', '2026-11-29')).toEqual({ from: '2026-11-23', to: '2026-11-29' });
    expect(periodContaining('week', '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-12-06' });
    expect(periodContaining('week', '2027-01-01')).toEqual({ from: '2026-12-28', to: '2027-01-03' });
  });

  it('a month and a year are calendar ones, leap days included', () => {
    expect(periodContaining('month', '2028-02-10')).toEqual({ from: '2028-02-01', to: '2028-02-29' });
    expect(periodContaining('year', '2026-06-15')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(daysOf(periodContaining('month', '2026-02-03'))).toHaveLength(28);
  });

  it('refuses a day that does not exist with INVALID_DATE', () => {
    expect(() => parseLocalDate('2026-02-30')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
    expect(() => parseLocalDate('2026-13-01')).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });

  it('counts an instant on the day of the given time zone', () => {
    const instant = new Date('2026-11-29T23:30:00Z');
    expect(dayIn('UTC', instant)).toBe('2026-11-29');
    expect(dayIn('Europe/Berlin', instant)).toBe('2026-11-30');
    expect(dayIn('America/New_York', instant)).toBe('2026-11-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
  });
});
