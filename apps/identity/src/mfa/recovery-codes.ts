import { createHash, randomInt } from 'node:crypto';

// No 0/o, 1/l/i: codes are read off paper.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const COUNT = 10;

/** Ten codes like `k3m9x-7qprt` (about 49 bits each): each signs in once in place of a TOTP code. */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: COUNT }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

/** As stored: random codes need no slow hash, SHA-256 of the normalised code is enough. */
export const hashRecoveryCode = (code: string): string =>
  createHash('sha256')
    .update(code.toLowerCase().replace(/[^a-z0-9]/g, ''))
    .digest('base64url');

/** Six digits is a TOTP code; anything else is tried as a recovery code. */
export const isTotpCode = (code: string): boolean => /^\d{6}$/.test(code);
