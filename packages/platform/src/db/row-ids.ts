import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

// Random bytes for 256 ids at a time: uuid's own source asks crypto.getRandomValues for every id,
// about 5 µs each (webcrypto's checks), which a hot write path pays twice per row (row and event).
const pool = new Uint8Array(16 * 256);
let used = pool.length;
// uuid keeps ids of one millisecond increasing only when it draws the bytes itself; so does this.
let msecs = -Infinity;
let seq = 0;

/**
 * A UUID v7 (time-ordered, so primary-key indexes fill at their end), as uuid's `v7()` makes it:
 * increasing within a process, the rest random from the operating system's source.
 */
export function uuidv7(): string {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, (used += 16));
  const now = Date.now();
  if (now > msecs) {
    // 31 random bits start the millisecond's counter, as uuid does.
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
    msecs = now;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) msecs += 1;
  }
  return v7({ random, msecs, seq });
}
