import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import { ConfigError, SealedValues, type Database, type DataKeyring, type Queryable } from '@nxg/platform';
import { boundTo, SealPurposes } from '../crypto/sealed-columns.ts';

const KEY_LOCK = 72_020_001;
const DAY_MS = 24 * 3600 * 1000;

interface KeyRow {
  kid: string;
  alg: string;
  public_jwk: JWK;
  private_sealed: string;
  created_at: Date;
  activates_at: Date;
  retired_at: Date | null;
  [key: string]: unknown;
}

interface LoadedKey {
  kid: string;
  alg: string;
  key: CryptoKey;
  activatesAt: number;
  retiresAt: number | undefined;
}

export interface SigningKeyOptions {
  alg: 'RS256' | 'ES256';
  rotationDays: number;
  /** A staged key is in the JWKS this long before it signs (≥ the verifiers' JWKS cache time). */
  prepublishS: number;
  /** A retired key stays in the JWKS this long: the longest token lifetime and a margin for clocks. */
  retainS: number;
}

/**
 * Asymmetric signing keys, kept in identity's database (private halves sealed) so every replica
 * signs with the same key. A rotation happens in stages, so no verifier ever meets a token it
 * cannot check:
 *
 * 1. staged: the new key is created and published in the JWKS, but does not sign yet;
 * 2. after `prepublishS`, it signs (every replica switches by the clock, at `activates_at`) and the
 *    old key retires at that same instant;
 * 3. the old key stays in the JWKS for `retainS` after retiring, until every token it signed expired.
 *
 * Rotation is staged by the rotation job when the key is `rotationDays` old, or at once by
 * `pnpm keys:rotate-signing`.
 */
export class SigningKeys {
  private loaded = new Map<string, LoadedKey>();

  private readonly db: Database;
  private readonly sealer: SealedValues;
  private readonly options: SigningKeyOptions;

  constructor(db: Database, keyring: DataKeyring, options: SigningKeyOptions) {
    this.db = db;
    this.sealer = new SealedValues(keyring, SealPurposes.signingKeys);
    this.options = options;
  }

  /** Creates the first key or stages the next when the current one is due, then loads what signs now or soon. */
  async refresh(): Promise<void> {
    const rows = await this.signingRows(this.db);
    if (this.needsNewKey(rows)) {
      await this.db.withLock(KEY_LOCK, async (tx) => {
        const fresh = await this.signingRows(tx);
        if (!this.needsNewKey(fresh)) return;
        // The very first key signs at once: there is no token a verifier could be missing a key for.
        await this.create(tx, fresh.length === 0 ? 0 : this.options.prepublishS);
      });
    }
    await this.load();
  }

  /**
   * Stages a new key now: published at once, signing after `prepublishS` (default: the configured
   * period). Resolves its kid and when it starts signing.
   */
  async stage(prepublishS = this.options.prepublishS): Promise<{ kid: string; activatesAt: string }> {
    const created = await this.db.withLock(KEY_LOCK, (tx) => this.create(tx, prepublishS));
    await this.load();
    return { kid: created.kid, activatesAt: new Date(created.activates_at).toISOString() };
  }

  /** The key that signs now: the newest one whose time has come and that has not retired. */
  current(): { kid: string; alg: string; key: CryptoKey } {
    const now = Date.now();
    let best: LoadedKey | undefined;
    for (const k of this.loaded.values()) {
      if (k.activatesAt > now || (k.retiresAt !== undefined && k.retiresAt <= now)) continue;
      if (!best || k.activatesAt > best.activatesAt) best = k;
    }
    // Past a retirement with its successor not loaded yet (a missed refresh): the retired key's
    // tokens still verify for `retainS`, so keep signing with the newest key already active.
    best ??= [...this.loaded.values()]
      .filter((k) => k.activatesAt <= now)
      .sort((a, b) => b.activatesAt - a.activatesAt)[0];
    if (!best) throw new Error('signing keys not loaded');
    return best;
  }

  /** Published keys: staged ones, the signing one, and retired ones whose tokens may still be alive. */
  async jwks(): Promise<{ keys: JWK[] }> {
    const rows = await this.db.query<KeyRow>(
      `SELECT public_jwk FROM signing_keys
       WHERE retired_at IS NULL OR retired_at > now() - ($1::int * interval '1 second')
       ORDER BY activates_at DESC`,
      [this.options.retainS],
    );
    return { keys: rows.map((r) => r.public_jwk) };
  }

  /** Keys that sign now or will: not retired, or retiring later. */
  private signingRows(db: Queryable): Promise<KeyRow[]> {
    return db.query<KeyRow>(
      `SELECT * FROM signing_keys WHERE alg = $1 AND (retired_at IS NULL OR retired_at > now())
       ORDER BY activates_at DESC`,
      [this.options.alg],
    );
  }

  /** No key, or the newest one (staged or signing) is older than the rotation period. */
  private needsNewKey(rows: KeyRow[]): boolean {
    const newest = rows[0];
    if (!newest) return true;
    return Date.now() - new Date(newest.activates_at).getTime() >= this.options.rotationDays * DAY_MS;
  }

  private async create(tx: Queryable, prepublishS: number): Promise<KeyRow> {
    const { alg } = this.options;
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const kid = randomUUID();
    const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' };
    const [created] = await tx.query<KeyRow>(
      `INSERT INTO signing_keys (kid, alg, public_jwk, private_sealed, activates_at)
       VALUES ($1, $2, $3, $4, now() + ($5::int * interval '1 second')) RETURNING *`,
      [
        kid,
        alg,
        JSON.stringify(publicJwk),
        this.sealer.seal(await exportJWK(privateKey), boundTo.signingKey(kid)),
        prepublishS,
      ],
    );
    // Every other key stops signing the moment this one starts (a staged key not yet active too).
    await tx.query(
      `UPDATE signing_keys SET retired_at = n.activates_at FROM (SELECT activates_at FROM signing_keys WHERE kid = $1) n
       WHERE kid <> $1 AND (retired_at IS NULL OR retired_at > n.activates_at)`,
      [kid],
    );
    return created!;
  }

  private async load(): Promise<void> {
    const rows = await this.signingRows(this.db);
    const next = new Map<string, LoadedKey>();
    for (const row of rows) {
      const known = this.loaded.get(row.kid);
      const retiresAt = row.retired_at ? new Date(row.retired_at).getTime() : undefined;
      const activatesAt = new Date(row.activates_at).getTime();
      if (known) {
        next.set(row.kid, { ...known, activatesAt, retiresAt });
        continue;
      }
      let privateJwk: JWK;
      try {
        privateJwk = this.sealer.open<JWK>(row.private_sealed, boundTo.signingKey(row.kid));
      } catch {
        throw new ConfigError(
          `identity's signing key ${row.kid} in ${this.db.service}'s database does not open with the configured ` +
            'IDENTITY_DATA_KEY or IDENTITY_DATA_KEYS_DECRYPT_ONLY. Start identity with the keys this database ' +
            'was sealed with (or, on a development machine, delete its data directory to start afresh).',
        );
      }
      next.set(row.kid, {
        kid: row.kid,
        alg: row.alg,
        key: (await importJWK(privateJwk, row.alg)) as CryptoKey,
        activatesAt,
        retiresAt,
      });
    }
    // Keep the key that signs now even if a concurrent rotation retired it a moment ago.
    if (next.size === 0 && this.loaded.size > 0) return;
    this.loaded = next;
  }
}
