import { Secret, TOTP } from 'otpauth';

const PERIOD_MS = 30_000;

/**
 * The member's authenticator app, for tests: codes from the enrolled secret, each for a time step
 * not used before (the current one or, as clock drift allows, the next), as a careful member would.
 */
export class Authenticator {
  private readonly totp: TOTP;
  private lastStep = -1;

  constructor(secretBase32: string) {
    this.totp = new TOTP({
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      secret: Secret.fromBase32(secretBase32),
    });
  }

  /** A code never shown before. */
  next(): string {
    const current = Math.floor(Date.now() / PERIOD_MS);
    const step = Math.max(current, this.lastStep + 1);
    if (step > current + 1) throw new Error('both current time steps are used: wait for the next period');
    this.lastStep = step;
    return this.totp.generate({ timestamp: step * PERIOD_MS });
  }

  /** The code shown last (to replay it). */
  last(): string {
    return this.totp.generate({ timestamp: this.lastStep * PERIOD_MS });
  }

  /** A six-digit code that is not valid now (neither this step nor its neighbours). */
  wrong(): string {
    const now = Date.now();
    const valid = new Set([-1, 0, 1].map((d) => this.totp.generate({ timestamp: now + d * PERIOD_MS })));
    for (let n = 0; ; n++) {
      const code = String(n).padStart(6, '0');
      if (!valid.has(code)) return code;
    }
  }
}
