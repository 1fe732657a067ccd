import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { ConfigError, type Database } from '@nxg/platform';
import type { FieldCipher } from '../crypto/field-cipher.ts';

const KEY_LOCK = 72_020_001;
const DAY_MS = 24 * 3600 * 1000;

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: JWK;
  private_sealed: string;
  created_at: Date;
  [key: string]: unknown;
}

/**
 * Asymmetric signing keys, kept in identity's database (private halves sealed) so every replica
 * signs with the same key. A key older than the rotation period is retired and replaced; retired
 * keys stay in the JWKS for a day so tokens they signed still verify.
 */
export class SigningKeys {
  private signing: { kid: string; alg: string; key: CryptoKey } | undefined;

  private readonly db: Database;
  private readonly cipher: FieldCipher;
  private readonly alg: 'RS256' | 'ES256';
  private readonly rotationDays: number;

  constructor(db: Database, cipher: FieldCipher, alg: 'RS256' | 'ES256', rotationDays: number) {
    this.db = db;
    this.cipher = cipher;
    this.alg = alg;
    this.rotationDays = rotationDays;
  }

  /** Loads the current key, creating or rotating it first when needed. */
  async refresh(): Promise<void> {
    const row = await this.db.withLock(KEY_LOCK, async (tx) => {
      const [current] = await tx.query<KeyRow>(
        'SELECT * FROM signing_keys WHERE alg = $1 AND retired_at IS NULL ORDER BY created_at DESC LIMIT 1',
        [this.alg],
      );
      if (current && Date.now() - new Date(current.created_at).getTime() < this.rotationDays * DAY_MS)
        return current;
      const { publicKey, privateKey } = await generateKeyPair(this.alg, { extractable: true });
      const kid = randomUUID();
      const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: this.alg, use: 'sig' };
      const [created] = await tx.query<KeyRow>(
        `INSERT INTO signing_keys (kid, alg, public_jwk, private_sealed) VALUES ($1, $2, $3, $4) RETURNING *`,
        [kid, this.alg, JSON.stringify(publicJwk), this.cipher.seal(await exportJWK(privateKey))],
      );
      await tx.query('UPDATE signing_keys SET retired_at = now() WHERE retired_at IS NULL AND kid <> $1', [
        kid,
      ]);
      return created!;
    });
    if (this.signing?.kid === row.kid) return;
    let privateJwk: JWK;
    try {
      privateJwk = this.cipher.open<JWK>(row.private_sealed);
    } catch {
      throw new ConfigError(
        `identity's signing key in ${this.db.service}'s database was sealed under another IDENTITY_DATA_KEY. ` +
          'Start identity with the key this database was created with (or, on a development machine, ' +
          'delete its data directory to start afresh).',
      );
    }
    const key = (await importJWK(privateJwk, row.alg)) as CryptoKey;
    this.signing = { kid: row.kid, alg: row.alg, key };
  }

  current(): { kid: string; alg: string; key: CryptoKey } {
    if (!this.signing) throw new Error('signing keys not loaded');
    return this.signing;
  }

  async jwks(): Promise<{ keys: JWK[] }> {
    const rows = await this.db.query<KeyRow>(
      `SELECT public_jwk FROM signing_keys
       WHERE retired_at IS NULL OR retired_at > now() - interval '1 day' ORDER BY created_at DESC`,
    );
    return { keys: rows.map((r) => r.public_jwk) };
  }
}
