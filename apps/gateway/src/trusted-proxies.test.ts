import { describe, expect, it } from 'vitest';
import { parseTrustedProxies } from './trusted-proxies.ts';

describe('TRUST_PROXY', () => {
  it('trusts no proxy when empty or false', () => {
    expect(parseTrustedProxies('')).toEqual({ proxies: [], problems: [] });
    expect(parseTrustedProxies('false')).toEqual({ proxies: [], problems: [] });
  });

  it('takes a list of addresses, CIDRs and named ranges', () => {
    expect(parseTrustedProxies(' 10.0.0.0/8, 127.0.0.1,::1, fd00::/8 ,loopback')).toEqual({
      proxies: ['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback'],
      problems: [],
    });
  });

  it('refuses true, which would believe whatever a client writes, and what is not an address', () => {
    expect(parseTrustedProxies('true').problems[0]).toMatch(/TRUST_PROXY=true/);
    expect(parseTrustedProxies('10.0.0.0/33,alb.internal').problems[0]).toMatch(
      /10\.0\.0\.0\/33, alb\.internal is not an IP address or CIDR/,
    );
  });
});

describe('the gateway configuration', () => {
  it('does not start with TRUST_PROXY=true', async () => {
    const { loadServiceConfig } = await import('@nxg/platform');
    const { default: gateway } = await import('./service.ts');
    expect(() => loadServiceConfig(gateway, { TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY=true/);
    expect(loadServiceConfig(gateway, { TRUST_PROXY: '10.0.0.0/16' }).TRUST_PROXY).toBe('10.0.0.0/16');
  });
});
