import { IdentityErrors } from '@nxg/contracts';
import { AppError, type Cache } from '@nxg/platform';

/**
 * Slows password guessing: after too many failures for one account, or from one client address,
 * logins are refused for a cool-down, whether or not the password is then right.
 */
export class LoginGuard {
  private readonly cache: Cache;
  private readonly limits: { perAccount: number; perIp: number; cooldownS: number };

  constructor(cache: Cache, limits: { perAccount: number; perIp: number; cooldownS: number }) {
    this.cache = cache;
    this.limits = limits;
  }

  private keys(login: string, ip: string | undefined) {
    return [
      { key: `login-failures:account:${login.toLowerCase()}`, max: this.limits.perAccount },
      ...(ip ? [{ key: `login-failures:ip:${ip}`, max: this.limits.perIp }] : []),
    ];
  }

  async assertAllowed(login: string, ip: string | undefined): Promise<void> {
    for (const { key, max } of this.keys(login, ip)) {
      const failures = Number((await this.cache.get(key)) ?? 0);
      if (failures >= max) {
        const retryAfter = Math.max(1, await this.cache.ttl(key));
        throw new AppError(429, IdentityErrors.LOGIN_LOCKED, 'Too many failed sign-ins; try again later', {
          headers: { 'retry-after': String(retryAfter) },
        });
      }
    }
  }

  async recordFailure(login: string, ip: string | undefined): Promise<void> {
    await Promise.all(
      this.keys(login, ip).map(({ key }) => this.cache.increment(key, this.limits.cooldownS)),
    );
  }

  async recordSuccess(login: string): Promise<void> {
    await this.cache.del(`login-failures:account:${login.toLowerCase()}`);
  }
}
