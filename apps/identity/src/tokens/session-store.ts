import { createHash, randomBytes } from 'node:crypto';
import { uuidv7 } from '@nxg/platform';
import type { Database, Queryable } from '@nxg/platform';

const hash = (token: string) => createHash('sha256').update(token).digest('base64url');
const newRefreshToken = () => randomBytes(32).toString('base64url');

export type RotateResult =
  | { outcome: 'rotated'; userId: string; sessionId: string; refreshToken: string; mfaAt: Date | null }
  | { outcome: 'unknown' | 'expired' | 'revoked' }
  | { outcome: 'reused'; sessionId: string };

/** Sign-in sessions and their rotating refresh tokens (only hashes are stored). */
export class SessionStore {
  private readonly db: Database;
  private readonly ttlS: number;

  constructor(db: Database, ttlS: number) {
    this.db = db;
    this.ttlS = ttlS;
  }

  /** `mfaAt`: when the sign-in proved the second factor, if it did. */
  async create(
    tx: Queryable,
    userId: string,
    mfaAt: Date | null = null,
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const sessionId = uuidv7();
    const refreshToken = newRefreshToken();
    await tx.query(
      `INSERT INTO sessions (id, user_id, expires_at, mfa_at) VALUES ($1, $2, now() + ($3::int * interval '1 second'), $4)`,
      [sessionId, userId, this.ttlS, mfaAt],
    );
    await tx.query('INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)', [
      hash(refreshToken),
      sessionId,
    ]);
    return { sessionId, refreshToken };
  }

  /**
   * Spends a refresh token for a new one in the same session. A token spent twice means it
   * leaked: the whole session is revoked, for the thief and the owner alike.
   */
  rotate(refreshToken: string): Promise<RotateResult> {
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<{
        session_id: string;
        user_id: string;
        used_at: Date | null;
        revoked_at: Date | null;
        mfa_at: Date | null;
        expired: boolean;
      }>(
        `SELECT t.session_id, t.used_at, s.user_id, s.revoked_at, s.mfa_at, s.expires_at < now() AS expired
         FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id
         WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
        [hash(refreshToken)],
      );
      if (!row) return { outcome: 'unknown' };
      if (row.revoked_at) return { outcome: 'revoked' };
      if (row.used_at) {
        await tx.query(
          `UPDATE sessions SET revoked_at = now(), revoked_reason = 'refresh token reused' WHERE id = $1`,
          [row.session_id],
        );
        return { outcome: 'reused', sessionId: row.session_id };
      }
      if (row.expired) return { outcome: 'expired' };
      const next = newRefreshToken();
      await tx.query('UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1', [hash(refreshToken)]);
      await tx.query('INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)', [
        hash(next),
        row.session_id,
      ]);
      return {
        outcome: 'rotated',
        userId: row.user_id,
        sessionId: row.session_id,
        refreshToken: next,
        mfaAt: row.mfa_at,
      };
    });
  }

  async revoke(sessionId: string, userId: string, reason: string): Promise<void> {
    await this.db.query(
      'UPDATE sessions SET revoked_at = now(), revoked_reason = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL',
      [sessionId, userId, reason],
    );
  }

  /** The session proved the second factor again (step-up); false when it is ended. */
  async proveMfa(tx: Queryable, sessionId: string, userId: string, at: Date): Promise<boolean> {
    const rows = await tx.query(
      `UPDATE sessions SET mfa_at = $3 WHERE id = $1 AND user_id = $2 AND revoked_at IS NULL AND expires_at > now()
       RETURNING 1`,
      [sessionId, userId, at],
    );
    return rows.length > 0;
  }

  /** Ends every live session of the account but `keep`; returns the ended ones. */
  async revokeOthers(
    tx: Queryable,
    userId: string,
    keep: string | undefined,
    reason: string,
  ): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      `UPDATE sessions SET revoked_at = now(), revoked_reason = $3
       WHERE user_id = $1 AND id IS DISTINCT FROM $2::uuid AND revoked_at IS NULL AND expires_at > now() RETURNING id`,
      [userId, keep ?? null, reason],
    );
    return rows.map((r) => r.id);
  }

  async activeIds(tx: Queryable, userId: string): Promise<string[]> {
    const rows = await tx.query<{ id: string }>(
      'SELECT id FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND expires_at > now()',
      [userId],
    );
    return rows.map((r) => r.id);
  }

  async list(userId: string): Promise<{ id: string; createdAt: string; revokedAt: string | null }[]> {
    const rows = await this.db.query<{ id: string; created_at: Date; revoked_at: Date | null }>(
      'SELECT id, created_at, revoked_at FROM sessions WHERE user_id = $1 ORDER BY created_at DESC',
      [userId],
    );
    return rows.map((r) => ({
      id: r.id,
      createdAt: new Date(r.created_at).toISOString(),
      revokedAt: r.revoked_at ? new Date(r.revoked_at).toISOString() : null,
    }));
  }
}
