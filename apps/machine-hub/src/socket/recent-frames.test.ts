import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RecentFrames } from './recent-frames.ts';

describe("a machine connection's recent frame ids", () => {
  it('knows the ids it was given and no others, whatever their case', () => {
    const seen = randomUUID();
    const recent = new RecentFrames(4);
    recent.add(seen);
    expect(recent.has(seen)).toBe(true);
    expect(recent.has(seen.toUpperCase())).toBe(true);
    expect(recent.has(randomUUID())).toBe(false);
    expect(recent.has('not a uuid')).toBe(false);
  });

  it('forgets the oldest once full and lists the rest oldest first', () => {
    const ids = Array.from({ length: 6 }, () => randomUUID());
    const recent = new RecentFrames(4);
    for (const id of ids) recent.add(id);
    expect(recent.length).toBe(4);
    expect(recent.has(ids[0]!)).toBe(false);
    expect(recent.has(ids[1]!)).toBe(false);
    expect(recent.toArray()).toEqual(ids.slice(2));
  });

  it('starts from the ids stored at the last disconnect, keeping the newest', () => {
    const stored = Array.from({ length: 5 }, () => randomUUID().toUpperCase());
    const recent = new RecentFrames(3, stored);
    expect(recent.toArray()).toEqual(stored.slice(2).map((id) => id.toLowerCase()));
    expect(recent.has(stored[4]!)).toBe(true);
    expect(recent.has(stored[1]!)).toBe(false);
  });

  it('tells apart ids that differ only in their last digit', () => {
    const base = '0192f0e0-0000-7000-8000-00000000000';
    const recent = new RecentFrames(256);
    for (let i = 0; i < 9; i += 1) recent.add(`${base}${i}`);
    expect(recent.has(`${base}9`)).toBe(false);
    expect(recent.has(`${base}8`)).toBe(true);
  });
});
