import { Secret, TOTP } from 'otpauth';

// RFC 6238 as authenticator apps expect it: SHA-1, six digits, 30-second steps.
const PERIOD_S = 30;
const totpOf = (secretBase32: string, label = '', issuer = '') =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secretBase32),
  });

/** A new shared secret (160 bits, as RFC 4226 recommends), base32. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The otpauth:// URI an authenticator app scans. */
export const otpauthUri = (secretBase32: string, label: string, issuer: string): string =>
  totpOf(secretBase32, label, issuer).toString();

/**
 * The time step a code belongs to, allowing one step of clock drift either way, or undefined when
 * it is not a current code. Callers accept a step once (replay protection).
 */
export function matchingStep(secretBase32: string, code: string, now = Date.now()): number | undefined {
  const delta = totpOf(secretBase32).validate({ token: code, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now / 1000 / PERIOD_S) + delta;
}
