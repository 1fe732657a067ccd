/** Counters every simulated machine adds to, and the one-line status the CLI prints from them. */
export class SimStats {
  /** Outbox frames put on the wire for the first time. */
  sent = 0;
  /** Outbox frames sent again (after a drop, or unacknowledged too long), same id. */
  replayed = 0;
  acked = 0;
  /** Refused by the hub for good (e.g. NOT_LINKED after the link ended). */
  rejected = 0;
  /** Dropped by the machine: the outbox was full, or their link ended. */
  discarded = 0;
  telemetry = 0;
  sets = 0;
  heartbeats = 0;
  /** Connections lost (simulated ones included) and connections made again. */
  drops = 0;
  simulatedDrops = 0;
  reconnects = 0;
  tokens = 0;
  links = 0;
  unlinks = 0;
  readonly errors = new Map<string, number>();

  error(code: string): void {
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
  }

  get errorCount(): number {
    let total = 0;
    for (const count of this.errors.values()) total += count;
    return total;
  }
}

/** What the status line needs of each machine. */
export interface MachineView {
  readonly connected: boolean;
  readonly linked: boolean;
  readonly queued: number;
  readonly stopped: boolean;
}

export function statusLine(machines: readonly MachineView[], stats: SimStats, now = new Date()): string {
  let connected = 0;
  let linked = 0;
  let queued = 0;
  for (const machine of machines) {
    if (machine.connected) connected += 1;
    if (machine.linked) linked += 1;
    queued += machine.queued;
  }
  const errors =
    stats.errorCount === 0
      ? '0'
      : `${stats.errorCount} (${[...stats.errors]
          .sort((a, b) => b[1] - a[1])
          .slice(0, 3)
          .map(([code, count]) => `${code} ${count}`)
          .join(', ')})`;
  return (
    `${now.toTimeString().slice(0, 8)}  machines ${machines.length}  connected ${connected}  linked ${linked}  ` +
    `| frames sent ${stats.sent} acked ${stats.acked} replayed ${stats.replayed} rejected ${stats.rejected} ` +
    `queued ${queued}  | drops ${stats.drops} reconnects ${stats.reconnects}  | errors ${errors}`
  );
}
