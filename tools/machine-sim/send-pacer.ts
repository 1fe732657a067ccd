/**
 * A token bucket for what one machine sends: the hub throttles each connection (FRAME_RATE_PER_S,
 * default 20/s with bursts of twice that, and closes a flooding socket), so a machine replaying a
 * backlog after a drop paces itself below that rather than being cut off.
 */
export class SendPacer {
  private readonly ratePerS: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt: number;
  /** No sending before this time (the hub said RATE_LIMITED). */
  private pausedUntil = 0;

  constructor(ratePerS: number, burst = ratePerS, now = Date.now()) {
    if (!(ratePerS > 0)) throw new Error('the frame rate must be positive');
    this.ratePerS = ratePerS;
    this.burst = Math.max(1, burst);
    this.tokens = this.burst;
    this.refilledAt = now;
  }

  /** Takes one token if there is one. */
  take(now = Date.now()): boolean {
    if (now < this.pausedUntil) return false;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `take` can succeed. */
  waitMs(now = Date.now()): number {
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) / this.ratePerS) * 1000);
  }

  /** Stop for `ms` and start again with an empty bucket. */
  pause(ms: number, now = Date.now()): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + ms);
    this.tokens = 0;
    this.refilledAt = this.pausedUntil;
  }

  private refill(now: number): void {
    if (now <= this.refilledAt) return;
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.ratePerS);
    this.refilledAt = now;
  }
}
