/**
 * Work spread over a few lanes by key, each lane applying its items in batches, one batch at a
 * time, in the order they were added: a member's events keep their order, members go in parallel.
 */
export class Lanes<T> {
  private readonly queues: T[][];
  private readonly running: Promise<void>[];
  private failure: unknown;
  private readonly batchSize: number;
  private readonly apply: (batch: T[]) => Promise<void>;

  constructor(count: number, batchSize: number, apply: (batch: T[]) => Promise<void>) {
    this.batchSize = batchSize;
    this.apply = apply;
    this.queues = Array.from({ length: count }, () => []);
    this.running = Array.from({ length: count }, () => Promise.resolve());
  }

  async add(key: string, item: T): Promise<void> {
    if (this.failure) throw this.failure;
    const lane = laneOf(key, this.queues.length);
    this.queues[lane]!.push(item);
    if (this.queues[lane]!.length >= this.batchSize) await this.flush(lane);
  }

  /** Applies everything added so far; rejects with the first batch that failed. */
  async drain(): Promise<void> {
    await Promise.all(this.queues.map((_, lane) => this.flush(lane)));
    await Promise.all(this.running);
    if (this.failure) throw this.failure;
  }

  /** Waits for the lane's batch in flight, then starts the next (the caller reads on meanwhile). */
  private async flush(lane: number): Promise<void> {
    await this.running[lane];
    const batch = this.queues[lane]!.splice(0);
    if (batch.length === 0) return;
    this.running[lane] = this.apply(batch).catch((error: unknown) => {
      this.failure ??= error;
    });
  }
}

/** A stable lane for a key (FNV-1a). */
function laneOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % count;
}
