/**
 * The frames a machine must not lose (telemetry, set.completed, unlink, status), kept in the order
 * they were made until the hub acknowledges them by id. After a drop every unacknowledged frame is
 * sent again, in order, with its original id: the hub acknowledges a frame it already handled
 * without a second effect — as long as it still remembers the id.
 *
 * The hub remembers the last 256 frame ids a machine sent (DESIGN.md §6), heartbeats included.
 * So the window is measured from the oldest unacknowledged frame: from its first send, at most
 * `window` frames (this outbox's and any other the machine sent, see `noteOtherSent`) go on the
 * wire until it is acknowledged. That also keeps unacknowledged frames in flight at 256 or fewer.
 */

export interface OutboxFrame {
  id: string;
  type: string;
}

interface Entry<F> {
  frame: F;
  /** Position in the machine's send sequence of the frame's first send; undefined until then. */
  firstSend: number | undefined;
  /** When it was last put on the wire, while unacknowledged; undefined: waiting to be (re)sent. */
  sentAt: number | undefined;
  sends: number;
}

export interface OutboxOptions {
  /** Frames that may be sent from the oldest unacknowledged one on (the hub remembers 256). */
  window?: number;
  /** Frames kept at most; beyond it the oldest unsent `evictable` frame is dropped. */
  capacity?: number;
  /** Frames that may be dropped when the outbox is full (telemetry: a gap, not a lost set). */
  evictable?: (frame: OutboxFrame) => boolean;
}

export interface Sendable<F> {
  frame: F;
  /** True when the frame went out before (a replay or a resend): same id, same content. */
  replay: boolean;
}

export const HUB_REMEMBERED_FRAMES = 256;

export class FrameOutbox<F extends OutboxFrame = OutboxFrame> {
  /** Insertion order is the order the frames were made, which is the order they are sent in. */
  private readonly entries = new Map<string, Entry<F>>();
  private readonly window: number;
  private readonly capacity: number;
  private readonly evictable: (frame: OutboxFrame) => boolean;
  /** Frames this machine put on the wire so far, this outbox's and others. */
  private sequence = 0;
  private inFlightCount = 0;
  /** Frames dropped because the outbox was full. */
  evicted = 0;

  constructor(options: OutboxOptions = {}) {
    this.window = options.window ?? HUB_REMEMBERED_FRAMES;
    this.capacity = options.capacity ?? 10_000;
    this.evictable = options.evictable ?? ((frame) => frame.type === 'telemetry');
    if (this.window < 1) throw new Error('the window must be at least 1');
  }

  /** Frames waiting for their ack, sent or not. */
  get size(): number {
    return this.entries.size;
  }

  /** Frames on the wire and not yet acknowledged. */
  get inFlight(): number {
    return this.inFlightCount;
  }

  /** Frames waiting to be sent (new ones, and those to send again after a drop). */
  get unsent(): number {
    return this.entries.size - this.inFlightCount;
  }

  /** Keeps a frame until it is acknowledged; the oldest unsent telemetry goes when full. */
  push(frame: F): void {
    if (this.entries.has(frame.id)) throw new Error(`frame ${frame.id} is already in the outbox`);
    this.entries.set(frame.id, { frame, firstSend: undefined, sentAt: undefined, sends: 0 });
    if (this.entries.size > this.capacity) this.evictOne();
  }

  /**
   * The next frame to put on the wire: the oldest one not on the wire now. Frames sent before (to
   * send again after a drop) go first and always may; a new frame only while the window has room.
   * The caller sends it at once.
   */
  next(now = Date.now()): Sendable<F> | undefined {
    for (const entry of this.entries.values()) {
      if (entry.sentAt !== undefined) continue;
      if (entry.firstSend === undefined) {
        if (!this.windowOpen()) return undefined;
        entry.firstSend = this.sequence;
        this.sequence += 1;
      }
      entry.sentAt = now;
      entry.sends += 1;
      this.inFlightCount += 1;
      return { frame: entry.frame, replay: entry.sends > 1 };
    }
    return undefined;
  }

  /**
   * Whether a new frame may go out: fewer than `window` frames were first sent since the oldest
   * unacknowledged one was. (A frame sent again adds nothing the hub must remember: it either knows
   * the id already, or handles it for the first time within the window it was admitted in.)
   */
  windowOpen(): boolean {
    const oldest = this.entries.values().next().value;
    if (oldest?.firstSend === undefined) return true;
    return this.sequence - oldest.firstSend < this.window;
  }

  /** Counts a frame sent outside the outbox (hello, heartbeat, qr.request): the hub remembers it too. */
  noteOtherSent(): void {
    this.sequence += 1;
  }

  /** The hub acknowledged `id`: the frame is done. Returns it, or undefined when it is not ours. */
  ack(id: string): F | undefined {
    return this.remove(id);
  }

  /** The hub refused the frame for good (not linked, invalid): drop it. Returns it, if ours. */
  reject(id: string): F | undefined {
    return this.remove(id);
  }

  /** Send this frame again later (the hub could not handle it now). Returns whether it is ours. */
  retry(id: string): boolean {
    const entry = this.entries.get(id);
    if (!entry) return false;
    if (entry.sentAt !== undefined) this.inFlightCount -= 1;
    entry.sentAt = undefined;
    return true;
  }

  /** The connection dropped: every frame on the wire is sent again, in order. Returns how many. */
  requeueAll(): number {
    let count = 0;
    for (const entry of this.entries.values()) {
      if (entry.sentAt === undefined) continue;
      entry.sentAt = undefined;
      count += 1;
    }
    this.inFlightCount = 0;
    return count;
  }

  /** Frames on the wire for longer than `olderThanMs` without an ack are sent again. */
  requeueStale(olderThanMs: number, now = Date.now()): number {
    let count = 0;
    for (const entry of this.entries.values()) {
      if (entry.sentAt === undefined || now - entry.sentAt < olderThanMs) continue;
      entry.sentAt = undefined;
      this.inFlightCount -= 1;
      count += 1;
    }
    return count;
  }

  /** Every frame kept, oldest first. */
  frames(): F[] {
    return [...this.entries.values()].map((e) => e.frame);
  }

  /** Drops every frame matching `predicate` (e.g. those of a link that ended); returns how many. */
  discard(predicate: (frame: F) => boolean): number {
    let count = 0;
    for (const [id, entry] of this.entries) {
      if (!predicate(entry.frame)) continue;
      this.remove(id);
      count += 1;
    }
    return count;
  }

  private remove(id: string): F | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    this.entries.delete(id);
    if (entry.sentAt !== undefined) this.inFlightCount -= 1;
    return entry.frame;
  }

  private evictOne(): void {
    for (const [id, entry] of this.entries) {
      if (entry.sentAt !== undefined || entry.firstSend !== undefined || !this.evictable(entry.frame))
        continue;
      this.entries.delete(id);
      this.evicted += 1;
      return;
    }
  }
}
