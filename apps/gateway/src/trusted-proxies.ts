import { isIP } from 'node:net';

/** proxy-addr's names for well-known ranges (Fastify's `trustProxy` understands them). */
const namedRanges = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** One entry: an IPv4 or IPv6 address, with an optional prefix length, or a named range. */
function isAddressOrCidr(entry: string): boolean {
  if (namedRanges.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d{1,3}$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

/**
 * `TRUST_PROXY` as the list Fastify's `trustProxy` takes: the addresses or CIDRs of the load
 * balancers whose `X-Forwarded-For` hop is believed. Empty or `false` trusts none (the peer's
 * address is the client's). `true` is refused: it would believe every hop a client writes itself,
 * so anyone could pick the address the per-IP login limits and guards count against.
 */
export function parseTrustedProxies(value: string): { proxies: string[]; problems: string[] } {
  const trimmed = value.trim();
  if (trimmed === '' || trimmed.toLowerCase() === 'false') return { proxies: [], problems: [] };
  if (trimmed.toLowerCase() === 'true') {
    return {
      proxies: [],
      problems: [
        'TRUST_PROXY=true would believe any X-Forwarded-For a client sends; list the load balancers’ ' +
          'addresses or CIDRs instead (e.g. TRUST_PROXY=10.0.0.0/16), or leave it empty',
      ],
    };
  }
  const proxies = trimmed
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const bad = proxies.filter((entry) => !isAddressOrCidr(entry));
  return {
    proxies,
    problems: bad.length
      ? [`TRUST_PROXY: ${bad.join(', ')} is not an IP address or CIDR (e.g. 10.0.0.0/16, 127.0.0.1)`]
      : [],
  };
}
