import { describe, expect, it } from 'vitest';
import { retentionCaveat } from './server-version.ts';

describe('retentionCaveat', () => {
  it('warns about servers before 2.10, whose evictions scan the other subjects', () => {
    expect(retentionCaveat('2.9.10')).toMatch(/nats-server 2\.9\.10: .*2\.10 or later/);
    expect(retentionCaveat('1.4.1')).toBeDefined();
  });

  it('says nothing for 2.10 and later, or a version it cannot read', () => {
    for (const version of ['2.10.0', '2.10.29', '2.15.1', '3.0.0', undefined, '', 'dev'])
      expect(retentionCaveat(version)).toBeUndefined();
  });
});
