import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FieldCipher } from './field-cipher.ts';

describe('FieldCipher', () => {
  const cipher = new FieldCipher(randomBytes(32));

  it('round-trips a value and never shows it in the sealed text', () => {
    const sealed = cipher.seal({ healthConditions: ['asthma'] });
    expect(sealed).not.toContain('asthma');
    expect(sealed.startsWith(`v1.${cipher.keyId}.`)).toBe(true);
    expect(cipher.open(sealed)).toEqual({ healthConditions: ['asthma'] });
  });

  it('seals the same value differently each time', () => {
    expect(cipher.seal('x')).not.toBe(cipher.seal('x'));
  });

  it('refuses a tampered ciphertext', () => {
    const parts = cipher.seal({ weightKg: 80 }).split('.');
    const body = Buffer.from(parts[4]!, 'base64url');
    body[0]! ^= 1;
    parts[4] = body.toString('base64url');
    expect(() => cipher.open(parts.join('.'))).toThrow();
  });

  it('names the key a value was sealed with when it is not the configured one', () => {
    const other = new FieldCipher(randomBytes(32));
    expect(() => other.open(cipher.seal(1))).toThrow(/not the configured data key/);
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new FieldCipher(randomBytes(16))).toThrow(/32 bytes/);
  });
});
