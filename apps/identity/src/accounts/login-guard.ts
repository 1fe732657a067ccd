import { IdentityErrors } from '@nxg/contracts';
import { AppError, type Cache } from '@nxg/platform';
import { AttemptLimiter, type Attempt } from './attempt-limiter.ts';

/**
 * Slows password guessing: after too many failures for one account, or from one client address,
 * logins are refused for a cool-down, whether or not the password is then right. Each attempt is
 * counted before the password is checked (see AttemptLimiter), so concurrent guesses cannot race it.
 */
export class LoginGuard {
  private readonly limiter: AttemptLimiter;
  private readonly limits: { perAccount: number; perIp: number; cooldownS: number };

  constructor(cache: Cache, limits: { perAccount: number; perIp: number; cooldownS: number }) {
    this.limits = limits;
    this.limiter = new AttemptLimiter(
      cache,
      limits.cooldownS,
      (retryAfter) =>
        new AppError(429, IdentityErrors.LOGIN_LOCKED, 'Too many failed sign-ins; try again later', {
          headers: { 'retry-after': String(retryAfter) },
        }),
    );
  }

  /**
   * `account`: the account's id when the login names one (so its email and username share one
   * budget), else the login itself, lower-cased.
   */
  begin(account: string, ip: string | undefined): Promise<Attempt> {
    return this.limiter.begin([
      {
        key: `login-failures:account:${account.toLowerCase()}`,
        max: this.limits.perAccount,
        onSuccess: 'reset',
      },
      ...(ip ? [{ key: `login-failures:ip:${ip}`, max: this.limits.perIp, onSuccess: 'undo' as const }] : []),
    ]);
  }
}
