/**
 * The last `capacity` frame ids a machine sent, oldest first, in 16 bytes each. At 20,000 sockets
 * × 256 ids, strings in a Set took ~20 KB a socket (~400 MiB) and millions of heap objects for the
 * garbage collector to mark; here they take 4 KB a socket in one typed array. Ids are UUIDs (the
 * protocol's frame schema checks it before an id gets here); a lookup scans the ring, a few
 * hundred integer comparisons, less than parsing the frame cost.
 */
export class RecentFrames {
  private readonly words: Uint32Array;
  private size = 0;
  /** Where the next id goes (the oldest, once full). */
  private next = 0;
  private readonly id = new Uint32Array(4);
  private readonly capacity: number;

  constructor(capacity: number, ids: readonly string[] = []) {
    this.capacity = capacity;
    this.words = new Uint32Array(capacity * 4);
    for (const id of ids.slice(-capacity)) this.add(id);
  }

  get length(): number {
    return this.size;
  }

  has(frameId: string): boolean {
    if (!parseUuid(frameId, this.id)) return false;
    const [a, b, c, d] = this.id as unknown as [number, number, number, number];
    const words = this.words;
    for (let i = 0, end = this.size * 4; i < end; i += 4) {
      if (words[i] === a && words[i + 1] === b && words[i + 2] === c && words[i + 3] === d) return true;
    }
    return false;
  }

  add(frameId: string): void {
    if (!parseUuid(frameId, this.id)) return;
    this.words.set(this.id, this.next * 4);
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size += 1;
  }

  /** The ids, oldest first, as lower-case UUIDs (to be stored and read back at the next connect). */
  toArray(): string[] {
    const ids: string[] = [];
    const start = this.size < this.capacity ? 0 : this.next;
    for (let k = 0; k < this.size; k += 1)
      ids.push(formatUuid(this.words, ((start + k) % this.capacity) * 4));
    return ids;
  }
}

/** The 32 hex digits of a UUID into four 32-bit words; false if it is not a UUID. No allocation. */
function parseUuid(text: string, into: Uint32Array): boolean {
  if (text.length !== 36) return false;
  let word = 0;
  let digits = 0;
  for (let i = 0; i < 36; i += 1) {
    const code = text.charCodeAt(i);
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (code !== 45) return false;
      continue;
    }
    const nibble = hexValue(code);
    if (nibble < 0) return false;
    word = ((word << 4) | nibble) >>> 0;
    digits += 1;
    if (digits % 8 === 0) {
      into[digits / 8 - 1] = word;
      word = 0;
    }
  }
  return true;
}

function hexValue(code: number): number {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  const lower = code | 32;
  if (lower >= 97 && lower <= 102) return lower - 87; // a-f, A-F
  return -1;
}

function formatUuid(words: Uint32Array, at: number): string {
  let h = '';
  for (let w = 0; w < 4; w += 1) h += words[at + w]!.toString(16).padStart(8, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
