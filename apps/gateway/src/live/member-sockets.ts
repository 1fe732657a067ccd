/**
 * Live sockets open per member on this gateway replica, so one account cannot hold an unbounded
 * number of sockets (each holds NATS subscriptions and buffers). Per replica: the load balancer
 * spreads a member's sockets, and a replica that dies takes its count with it.
 */
export class MemberSockets {
  private readonly open = new Map<string, number>();

  readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** Counts one more socket for the member, or answers false when they already hold `max`. */
  tryOpen(userId: string): boolean {
    const count = this.open.get(userId) ?? 0;
    if (count >= this.max) return false;
    this.open.set(userId, count + 1);
    return true;
  }

  /** Live sockets open on this replica, for /metrics. */
  get total(): number {
    let total = 0;
    for (const count of this.open.values()) total += count;
    return total;
  }

  closed(userId: string): void {
    const count = (this.open.get(userId) ?? 1) - 1;
    if (count > 0) this.open.set(userId, count);
    else this.open.delete(userId);
  }
}
