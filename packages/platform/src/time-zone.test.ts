import { describe, expect, it } from 'vitest';
import { canonicalTimeZone } from './time-zone.ts';

describe('canonicalTimeZone', () => {
  it('spells a zone the way IANA does, whatever case it came in', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
  });

  it('refuses what is not a zone', () => {
    expect(canonicalTimeZone('Mars/Olympus')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
  });
});
