import { describe, expect, it } from 'vitest';
import { latestOccurrence, nextOccurrence, trainingWeekdays, type RepeatingTime } from './occurrences.ts';

const at = (iso: string) => new Date(iso);
const berlinMwf: RepeatingTime = {
  time: '07:30',
  weekdays: ['mon', 'wed', 'fri'],
  timezone: 'Europe/Berlin',
};

describe('reminder occurrences', () => {
  it('spread a plan’s training days over the week', () => {
    expect(trainingWeekdays(3)).toEqual(['mon', 'wed', 'fri']);
    expect(trainingWeekdays(1)).toEqual(['mon']);
    expect(trainingWeekdays(7)).toHaveLength(7);
  });

  it('fall on the next training day at the local time', () => {
    // Monday 2026-01-12 08:00 Berlin (07:00 UTC): Monday's 07:30 has passed; next is Wednesday 07:30 CET.
    expect(nextOccurrence(berlinMwf, at('2026-01-12T07:00:00Z'))).toEqual(at('2026-01-14T06:30:00Z'));
    // Sunday evening: Monday 07:30.
    expect(nextOccurrence(berlinMwf, at('2026-01-11T20:00:00Z'))).toEqual(at('2026-01-12T06:30:00Z'));
  });

  it('keep the local time across a daylight-saving change', () => {
    // Clocks go forward on Sunday 29 March 2026: Monday 30 March 07:30 is CEST (05:30 UTC).
    expect(nextOccurrence(berlinMwf, at('2026-03-27T12:00:00Z'))).toEqual(at('2026-03-30T05:30:00Z'));
  });

  it('name the latest past occurrence by its local date', () => {
    // Late Wednesday in Tokyo is still Wednesday there, though it is Wednesday afternoon in UTC.
    const tokyo: RepeatingTime = { time: '21:00', weekdays: ['wed'], timezone: 'Asia/Tokyo' };
    expect(latestOccurrence(tokyo, at('2026-01-14T13:00:00Z'))).toEqual({
      at: at('2026-01-14T12:00:00Z'),
      localDate: '2026-01-14',
    });
    expect(latestOccurrence(tokyo, at('2026-01-14T11:59:00Z'))?.localDate).toBe('2026-01-07');
  });
});

describe('reminders on listed dates', () => {
  it('fall on each date at its own time, and end after the last', () => {
    const plan: RepeatingTime = {
      time: '08:00',
      weekdays: [],
      timezone: 'Europe/Berlin',
      dates: { '2026-01-13': '12:30', '2026-01-12': '13:00' },
    };
    expect(nextOccurrence(plan, at('2026-01-11T00:00:00Z'))).toEqual(at('2026-01-12T12:00:00Z'));
    expect(nextOccurrence(plan, at('2026-01-12T12:00:00Z'))).toEqual(at('2026-01-13T11:30:00Z'));
    expect(nextOccurrence(plan, at('2026-01-13T11:30:00Z'))).toBeUndefined();
    expect(latestOccurrence(plan, at('2026-01-13T20:00:00Z'))?.localDate).toBe('2026-01-13');
  });
});
