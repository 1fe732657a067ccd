import type { Queryable } from '@nxg/platform';
import type { FieldCipher } from '../crypto/field-cipher.ts';

export interface TotpState {
  secret: string;
  confirmed: boolean;
  lastStep: number | null;
}

/** MFA rows: the sealed TOTP secret (pending or confirmed), its last used step, recovery-code hashes. */
export class MfaStore {
  private readonly cipher: FieldCipher;

  constructor(cipher: FieldCipher) {
    this.cipher = cipher;
  }

  async isEnrolled(q: Queryable, userId: string): Promise<boolean> {
    const [row] = await q.query('SELECT 1 FROM mfa_totp WHERE user_id = $1 AND confirmed_at IS NOT NULL', [
      userId,
    ]);
    return Boolean(row);
  }

  async totp(q: Queryable, userId: string, forUpdate = false): Promise<TotpState | undefined> {
    const [row] = await q.query<{
      secret_sealed: string;
      confirmed_at: Date | null;
      last_step: string | null;
    }>(
      `SELECT secret_sealed, confirmed_at, last_step FROM mfa_totp WHERE user_id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
      [userId],
    );
    if (!row) return undefined;
    return {
      secret: this.cipher.open<{ secret: string }>(row.secret_sealed).secret,
      confirmed: row.confirmed_at !== null,
      lastStep: row.last_step === null ? null : Number(row.last_step),
    };
  }

  /** A new pending secret, replacing an earlier pending one. */
  async savePending(q: Queryable, userId: string, secret: string): Promise<void> {
    await q.query(
      `INSERT INTO mfa_totp (user_id, secret_sealed) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET secret_sealed = EXCLUDED.secret_sealed, last_step = NULL, created_at = now()
       WHERE mfa_totp.confirmed_at IS NULL`,
      [userId, this.cipher.seal({ secret })],
    );
  }

  async confirm(q: Queryable, userId: string, step: number, recoveryHashes: string[]): Promise<void> {
    await q.query('UPDATE mfa_totp SET confirmed_at = now(), last_step = $2 WHERE user_id = $1', [
      userId,
      step,
    ]);
    await q.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
    await q.query(`INSERT INTO mfa_recovery_codes (user_id, code_hash) SELECT $1, unnest($2::text[])`, [
      userId,
      recoveryHashes,
    ]);
  }

  /** Accepts a time step only if it is later than every step accepted before: no code works twice. */
  async acceptStep(q: Queryable, userId: string, step: number): Promise<boolean> {
    const rows = await q.query(
      `UPDATE mfa_totp SET last_step = $2 WHERE user_id = $1 AND confirmed_at IS NOT NULL
         AND (last_step IS NULL OR last_step < $2) RETURNING 1`,
      [userId, step],
    );
    return rows.length > 0;
  }

  /** Spends a recovery code; false when it is unknown or already spent. */
  async spendRecoveryCode(q: Queryable, userId: string, codeHash: string): Promise<boolean> {
    const rows = await q.query(
      `UPDATE mfa_recovery_codes SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING 1`,
      [userId, codeHash],
    );
    return rows.length > 0;
  }

  async remove(q: Queryable, userId: string): Promise<void> {
    await q.query('DELETE FROM mfa_totp WHERE user_id = $1', [userId]);
    await q.query('DELETE FROM mfa_recovery_codes WHERE user_id = $1', [userId]);
  }
}
