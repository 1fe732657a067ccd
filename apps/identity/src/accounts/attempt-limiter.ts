import type { AppError, Cache } from '@nxg/platform';

/** One counter an attempt is charged to, e.g. the account or the client address. */
export interface AttemptBudget {
  key: string;
  max: number;
  /** On success: `reset` forgets earlier failures (the account), `undo` takes back only this attempt (an address). */
  onSuccess: 'reset' | 'undo';
}

export interface Attempt {
  /** The secret was right: the attempt stops counting as a failure. */
  succeeded(): Promise<void>;
  /** The secret was wrong; `locked` when this failure used up the first budget (the account's). */
  failed(): Promise<{ locked: boolean }>;
}

/**
 * Counts an attempt before its secret is checked, atomically (Redis INCR), and decides on that
 * count: however many guesses arrive at once, at most `max` of them are ever checked. Reading the
 * count first and adding the failure after the (slow) check would let concurrent guesses through.
 */
export class AttemptLimiter {
  private readonly cache: Cache;
  private readonly windowS: number;
  private readonly refuse: (retryAfterS: number) => AppError;

  constructor(cache: Cache, windowS: number, refuse: (retryAfterS: number) => AppError) {
    this.cache = cache;
    this.windowS = windowS;
    this.refuse = refuse;
  }

  async begin(budgets: AttemptBudget[]): Promise<Attempt> {
    const counts = await Promise.all(budgets.map(({ key }) => this.cache.increment(key, this.windowS)));
    const exceeded = budgets.findIndex(({ max }, i) => counts[i]! > max);
    if (exceeded >= 0) {
      // Refused unchecked: budgets still open are not charged for it.
      await Promise.all(
        budgets.map(({ key, max }, i) => (counts[i]! <= max ? this.cache.decrement(key) : undefined)),
      );
      throw this.refuse(Math.max(1, await this.cache.ttl(budgets[exceeded]!.key)));
    }
    return {
      succeeded: async () => {
        await Promise.all(
          budgets.map(({ key, onSuccess }) =>
            onSuccess === 'reset' ? this.cache.del(key) : this.cache.decrement(key),
          ),
        );
      },
      failed: async () => ({ locked: counts[0] === budgets[0]?.max }),
    };
  }
}
