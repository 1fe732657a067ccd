import { createHash } from 'node:crypto';

/** The short, non-secret name of a data key, recorded in every value sealed with it. */
export const dataKeyId = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 8);

/**
 * A service's data keys: one current key that seals, and decrypt-only keys (older keys whose
 * values are still being re-sealed, or the next key while a rolling deploy switches to it).
 */
export class DataKeyring {
  readonly currentId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, decryptOnly: Buffer[] = []) {
    for (const key of [current, ...decryptOnly]) {
      if (key.length !== 32) throw new Error('a data key must be 32 bytes');
      if (!this.keys.has(dataKeyId(key))) this.keys.set(dataKeyId(key), key);
    }
    this.currentId = dataKeyId(current);
  }

  /** From base64 strings, as configured (`decryptOnly` comma-separated; blanks ignored). */
  static fromBase64(current: string, decryptOnly = ''): DataKeyring {
    const others = decryptOnly
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map((s) => Buffer.from(s, 'base64'));
    return new DataKeyring(Buffer.from(current, 'base64'), others);
  }

  get current(): Buffer {
    return this.keys.get(this.currentId)!;
  }

  key(id: string): Buffer | undefined {
    return this.keys.get(id);
  }

  get ids(): string[] {
    return [...this.keys.keys()];
  }
}
