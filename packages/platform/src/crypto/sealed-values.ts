import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { DataKeyring } from './keyring.ts';

const TAG_BYTES = 16;
const IV_BYTES = 12;
const HKDF_SALT = Buffer.from('nxg-connect data key v2');

/**
 * AES-256-GCM for values that must not be readable in a database dump (health data, private keys,
 * shared secrets). Sealed form `v2.<keyId>.<iv>.<tag>.<ciphertext>` (base64url parts):
 *
 * - the key is never used directly: each purpose (field sealing, signing-key sealing…) gets its own
 *   subkey, HKDF-SHA256(data key, info = purpose), so one purpose's values never open under another;
 * - each value is bound to where it lives (additional authenticated data, e.g. `users.health:<id>`):
 *   copied to another row or column it does not open;
 * - the tag is always 16 bytes: a truncated tag is refused, not checked on fewer bytes.
 *
 * `v1` values (raw data key, no binding) still open so old data keeps working until it is re-sealed.
 */
export class SealedValues {
  readonly purpose: string;
  private readonly keyring: DataKeyring;
  private readonly subkeys = new Map<string, Buffer>();

  constructor(keyring: DataKeyring, purpose: string) {
    this.keyring = keyring;
    this.purpose = purpose;
  }

  get keyId(): string {
    return this.keyring.currentId;
  }

  private subkey(keyId: string): Buffer {
    let subkey = this.subkeys.get(keyId);
    if (!subkey) {
      const key = this.keyring.key(keyId);
      if (!key) throw new Error(`sealed with key ${keyId}, which is not among the configured data keys`);
      subkey = Buffer.from(hkdfSync('sha256', key, HKDF_SALT, `nxg:${this.purpose}`, 32));
      this.subkeys.set(keyId, subkey);
    }
    return subkey;
  }

  /** Seals `value` (any JSON) for the place named by `boundTo`, under the current key. */
  seal(value: unknown, boundTo: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.subkey(this.keyId), iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return ['v2', this.keyId, iv, cipher.getAuthTag(), body].map(part).join('.');
  }

  /** Opens a value sealed for `boundTo`; throws if it was sealed elsewhere, tampered with or truncated. */
  open<T>(sealed: string, boundTo: string): T {
    const [version, keyId, iv, tag, body, extra] = sealed.split('.');
    if ((version !== 'v1' && version !== 'v2') || !keyId || !iv || !tag || body === undefined || extra)
      throw new Error('not a sealed value');
    const key = version === 'v2' ? this.subkey(keyId) : this.keyring.key(keyId);
    if (!key) throw new Error(`sealed with key ${keyId}, which is not among the configured data keys`);
    const tagBytes = Buffer.from(tag, 'base64url');
    if (tagBytes.length !== TAG_BYTES) throw new Error('the authentication tag is not 16 bytes');
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAuthTag(tagBytes);
    if (version === 'v2') decipher.setAAD(Buffer.from(boundTo, 'utf8'));
    const plain = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as T;
  }

  /** Sealed in the current format under the current key: nothing for a re-seal to do. */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2.${this.keyId}.`);
  }

  /** Re-seals under the current key and format, or returns the value untouched when already current. */
  reseal(sealed: string, boundTo: string): string {
    return this.isCurrent(sealed) ? sealed : this.seal(this.open(sealed, boundTo), boundTo);
  }
}

const part = (bytes: Buffer | string) => (typeof bytes === 'string' ? bytes : bytes.toString('base64url'));
