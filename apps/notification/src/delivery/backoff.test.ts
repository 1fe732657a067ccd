import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff.ts';

const policy = { baseMs: 1000, maxMs: 60_000 };

describe('retry delay', () => {
  it('doubles with each attempt, between half and all of the step', () => {
    expect(retryDelayMs(1, policy, undefined, () => 0)).toBe(500);
    expect(retryDelayMs(1, policy, undefined, () => 1)).toBe(1000);
    expect(retryDelayMs(3, policy, undefined, () => 1)).toBe(4000);
    expect(retryDelayMs(4, policy, undefined, () => 0)).toBe(4000);
  });

  it('stops growing at the ceiling', () => {
    expect(retryDelayMs(30, policy, undefined, () => 1)).toBe(60_000);
  });

  it('waits at least as long as the server’s Retry-After', () => {
    expect(retryDelayMs(1, policy, 30_000, () => 1)).toBe(30_000);
    expect(retryDelayMs(5, policy, 100, () => 1)).toBe(16_000);
  });
});
