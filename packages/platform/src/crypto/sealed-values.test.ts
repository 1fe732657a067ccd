import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DataKeyring, dataKeyId } from './keyring.ts';
import { SealedValues } from './sealed-values.ts';

/** A value as the first release sealed it: raw data key, no binding (`v1`). */
function sealV1(key: Buffer, value: unknown): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return [
    'v1',
    dataKeyId(key),
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

const setPart = (sealed: string, index: number, edit: (bytes: Buffer) => Buffer) => {
  const parts = sealed.split('.');
  parts[index] = edit(Buffer.from(parts[index]!, 'base64url')).toString('base64url');
  return parts.join('.');
};

describe('SealedValues', () => {
  const key = randomBytes(32);
  const fields = new SealedValues(new DataKeyring(key), 'fields');

  it('round-trips a value bound to its row, never showing it in the sealed text', () => {
    const sealed = fields.seal({ healthConditions: ['asthma'] }, 'users.health:1');
    expect(sealed).not.toContain('asthma');
    expect(sealed.startsWith(`v2.${dataKeyId(key)}.`)).toBe(true);
    expect(fields.open(sealed, 'users.health:1')).toEqual({ healthConditions: ['asthma'] });
    expect(fields.seal('x', 'a')).not.toBe(fields.seal('x', 'a'));
  });

  it('does not open a value copied to another row or column', () => {
    const sealed = fields.seal({ weightKg: 80 }, 'body.figures:row-a');
    expect(() => fields.open(sealed, 'body.figures:row-b')).toThrow();
    expect(() => fields.open(sealed, 'users.health:row-a')).toThrow();
  });

  it('refuses a truncated authentication tag', () => {
    const sealed = fields.seal({ weightKg: 80 }, 'r');
    for (const length of [4, 12, 15]) {
      expect(() =>
        fields.open(
          setPart(sealed, 3, (tag) => tag.subarray(0, length)),
          'r',
        ),
      ).toThrow(/16 bytes/);
    }
  });

  it('refuses a tampered ciphertext', () => {
    const sealed = fields.seal({ weightKg: 80 }, 'r');
    expect(() =>
      fields.open(
        setPart(sealed, 4, (body) => ((body[0]! ^= 1), body)),
        'r',
      ),
    ).toThrow();
  });

  it('uses a subkey per purpose: signing-key sealing cannot open field sealing', () => {
    const keys = new SealedValues(new DataKeyring(key), 'signing-keys');
    const sealed = fields.seal('secret', 'r');
    expect(() => keys.open(sealed, 'r')).toThrow();
  });

  it('still opens old-format values and re-seals them into the current format', () => {
    const old = sealV1(key, { weightKg: 70 });
    expect(fields.isCurrent(old)).toBe(false);
    expect(fields.open(old, 'any row')).toEqual({ weightKg: 70 });
    const resealed = fields.reseal(old, 'body.figures:7');
    expect(fields.isCurrent(resealed)).toBe(true);
    expect(fields.open(resealed, 'body.figures:7')).toEqual({ weightKg: 70 });
    expect(() => fields.open(resealed, 'body.figures:8')).toThrow();
  });

  it('opens values of decrypt-only keys and re-seals them under the current key', () => {
    const next = randomBytes(32);
    const before = fields.seal({ a: 1 }, 'r');
    const rotated = new SealedValues(new DataKeyring(next, [key]), 'fields');
    expect(rotated.open(before, 'r')).toEqual({ a: 1 });
    const resealed = rotated.reseal(before, 'r');
    expect(resealed.startsWith(`v2.${dataKeyId(next)}.`)).toBe(true);
    expect(new SealedValues(new DataKeyring(next), 'fields').open(resealed, 'r')).toEqual({ a: 1 });
    expect(() => new SealedValues(new DataKeyring(next), 'fields').open(before, 'r')).toThrow(
      /not among the configured data keys/,
    );
  });

  it('refuses a key of the wrong size', () => {
    expect(() => new DataKeyring(randomBytes(16))).toThrow(/32 bytes/);
  });
});
