import { describe, expect, it } from 'vitest';
import { deliverAfter, isTimeZone } from './quiet-hours.ts';

const at = (iso: string) => new Date(iso);

describe('quiet hours', () => {
  it('let a push out at once outside them, and without them', () => {
    const noon = at('2026-03-10T12:00:00Z');
    expect(deliverAfter(noon, { start: '22:00', end: '07:00' }, 'UTC')).toEqual(noon);
    expect(deliverAfter(noon, null, 'Europe/Berlin')).toEqual(noon);
  });

  it('defer a push made at night to the end of the quiet period, in the member’s time zone', () => {
    // 23:30 in Berlin (UTC+1 in winter): quiet until 07:00 Berlin = 06:00 UTC the next day.
    expect(
      deliverAfter(at('2026-01-15T22:30:00Z'), { start: '22:00', end: '07:00' }, 'Europe/Berlin'),
    ).toEqual(at('2026-01-16T06:00:00Z'));
    // 02:00 in New York (UTC-5): same night, until 07:00 = 12:00 UTC.
    expect(
      deliverAfter(at('2026-01-15T07:00:00Z'), { start: '22:00', end: '07:00' }, 'America/New_York'),
    ).toEqual(at('2026-01-15T12:00:00Z'));
  });

  it('handle a quiet period within one day', () => {
    expect(deliverAfter(at('2026-01-15T13:15:00Z'), { start: '13:00', end: '14:00' }, 'UTC')).toEqual(
      at('2026-01-15T14:00:00Z'),
    );
  });

  it('land on the real end across a daylight-saving change', () => {
    // Night of 28–29 March 2026 in Berlin: clocks go 02:00 → 03:00; 07:00 CEST is 05:00 UTC.
    expect(
      deliverAfter(at('2026-03-28T23:30:00Z'), { start: '22:00', end: '07:00' }, 'Europe/Berlin'),
    ).toEqual(at('2026-03-29T05:00:00Z'));
  });

  it('know IANA zones from made-up ones', () => {
    expect(isTimeZone('Europe/Berlin')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
