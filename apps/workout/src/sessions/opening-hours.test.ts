import { describe, expect, it } from 'vitest';
import { isClosed } from './opening-hours.ts';

describe('opening hours', () => {
  const hours = { mon: '06:00-22:00', sat: '08:00-14:00' };

  it('is open inside the hours of the day, in the branch’s time zone', () => {
    // Monday 2026-11-23 12:00 UTC is 13:00 in Berlin.
    expect(isClosed(hours, 'Europe/Berlin', new Date('2026-11-23T12:00:00Z'))).toBe(false);
    // 21:30 UTC is 22:30 in Berlin: closed; in UTC still open.
    expect(isClosed(hours, 'Europe/Berlin', new Date('2026-11-23T21:30:00Z'))).toBe(true);
    expect(isClosed(hours, 'UTC', new Date('2026-11-23T21:30:00Z'))).toBe(false);
  });

  it('is closed on a day without hours and before opening', () => {
    expect(isClosed(hours, 'UTC', new Date('2026-11-24T12:00:00Z'))).toBe(true); // a Tuesday
    expect(isClosed(hours, 'UTC', new Date('2026-11-28T07:59:00Z'))).toBe(true); // Saturday before 08:00
  });

  it('never closes without opening hours', () => {
    expect(isClosed(null, 'UTC', new Date('2026-11-24T03:00:00Z'))).toBe(false);
  });
});
