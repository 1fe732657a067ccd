import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { seededRandom } from './metrics.ts';
import { SendPacer } from './send-pacer.ts';

describe('the send pacer', () => {
  it('lets a burst through, then the rate', () => {
    const pacer = new SendPacer(10, 10, 0);
    let sent = 0;
    while (pacer.take(0)) sent += 1;
    expect(sent).toBe(10);
    expect(pacer.waitMs(0)).toBe(100);
    expect(pacer.take(100)).toBe(true);
    expect(pacer.take(100)).toBe(false);
    // A second later: ten more, never more than the burst.
    let later = 0;
    while (pacer.take(5000)) later += 1;
    expect(later).toBe(10);
  });

  it('stops for a while when the hub says RATE_LIMITED', () => {
    const pacer = new SendPacer(10, 10, 0);
    pacer.pause(1000, 0);
    expect(pacer.take(500)).toBe(false);
    expect(pacer.waitMs(500)).toBe(500);
    expect(pacer.take(1100)).toBe(true);
  });
});

describe('reconnect backoff', () => {
  it('doubles up to a ceiling, jittered, and starts again after a reset', () => {
    const backoff = new Backoff({ initialMs: 500, maxMs: 8000, random: seededRandom(9) });
    const delays = Array.from({ length: 8 }, () => backoff.next());
    const ceilings = [500, 1000, 2000, 4000, 8000, 8000, 8000, 8000];
    delays.forEach((delay, i) => {
      expect(delay).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(delay).toBeLessThanOrEqual(ceilings[i]!);
    });
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBeLessThanOrEqual(500);
  });
});
