import { IdentityErrors } from '@nxg/contracts';
import { AppError, type Cache, type Database } from '@nxg/platform';
import { AttemptLimiter } from '../accounts/attempt-limiter.ts';
import { recordAudit } from '../audit/audit-store.ts';
import type { MfaStore } from './mfa-store.ts';
import { hashRecoveryCode, isTotpCode } from './recovery-codes.ts';
import { matchingStep } from './totp.ts';

export type MfaMethod = 'totp' | 'recovery_code';

const wrongCode = () =>
  new AppError(401, IdentityErrors.MFA_CODE_INVALID, 'The code is wrong or already used');

/**
 * Checks a second-factor code for an enrolled account: a TOTP code once per time step, or a
 * recovery code once ever. Wrong codes are throttled per account (counted before the check).
 */
export class MfaVerifier {
  private readonly db: Database;
  private readonly store: MfaStore;
  private readonly limiter: AttemptLimiter;
  private readonly maxFailures: number;

  constructor(
    db: Database,
    cache: Cache,
    store: MfaStore,
    limits: { maxFailures: number; cooldownS: number },
  ) {
    this.db = db;
    this.store = store;
    this.maxFailures = limits.maxFailures;
    this.limiter = new AttemptLimiter(
      cache,
      limits.cooldownS,
      (retryAfter) =>
        new AppError(429, IdentityErrors.MFA_LOCKED, 'Too many wrong codes; try again later', {
          headers: { 'retry-after': String(retryAfter) },
        }),
    );
  }

  /** The method that proved it, or MFA_CODE_INVALID / MFA_LOCKED. */
  async verify(userId: string, code: string, ip: string | undefined): Promise<MfaMethod> {
    const attempt = await this.limiter.begin([
      { key: `mfa-failures:${userId}`, max: this.maxFailures, onSuccess: 'reset' },
    ]);
    const method = await this.check(userId, code, ip);
    if (!method) {
      await attempt.failed();
      await recordAudit(this.db, { type: 'mfa_failed', userId, ip });
      throw wrongCode();
    }
    await attempt.succeeded();
    return method;
  }

  /** Checks a TOTP code against a pending enrolment (its first code), counted like any other. */
  async verifyPending(userId: string, secret: string, code: string): Promise<number> {
    const attempt = await this.limiter.begin([
      { key: `mfa-failures:${userId}`, max: this.maxFailures, onSuccess: 'reset' },
    ]);
    const step = matchingStep(secret, code);
    if (step === undefined) {
      await attempt.failed();
      throw wrongCode();
    }
    await attempt.succeeded();
    return step;
  }

  private async check(userId: string, code: string, ip: string | undefined): Promise<MfaMethod | undefined> {
    if (isTotpCode(code)) {
      const totp = await this.store.totp(this.db, userId);
      if (!totp?.confirmed) return undefined;
      const step = matchingStep(totp.secret, code);
      if (step === undefined) return undefined;
      return (await this.store.acceptStep(this.db, userId, step)) ? 'totp' : undefined;
    }
    return this.db.transaction(async (tx) => {
      if (!(await this.store.spendRecoveryCode(tx, userId, hashRecoveryCode(code)))) return undefined;
      await recordAudit(tx, { type: 'mfa_recovery_code_used', userId, ip });
      return 'recovery_code' as const;
    });
  }
}
