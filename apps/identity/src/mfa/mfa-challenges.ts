import { createHash, randomBytes } from 'node:crypto';
import type { Cache } from '@nxg/platform';

const TTL_S = 5 * 60;
const keyOf = (token: string) => `mfa-challenge:${createHash('sha256').update(token).digest('base64url')}`;

/**
 * The `mfaToken` a password sign-in of an MFA account answers with: good for five minutes, for
 * one thing only (finishing that sign-in with a code), once. Only its hash is kept.
 */
export class MfaChallenges {
  private readonly cache: Cache;

  constructor(cache: Cache) {
    this.cache = cache;
  }

  async issue(userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await this.cache.set(keyOf(token), userId, TTL_S);
    return token;
  }

  /** The account the token was issued for, while it is valid. */
  userOf(token: string): Promise<string | null> {
    return this.cache.get(keyOf(token));
  }

  async spend(token: string): Promise<void> {
    await this.cache.del(keyOf(token));
  }
}
