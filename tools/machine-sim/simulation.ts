/** A fleet of simulated machines sharing one set of counters: started in a staggered way, stopped together. */
import { SimMachine, type SimMachineCredentials, type SimMachineOptions } from './sim-machine.ts';
import { SimStats, statusLine } from './sim-stats.ts';

export type FleetOptions = Omit<SimMachineOptions, 'credentials' | 'stats'> & {
  /** Spread the machines' first connections over this long (default: 25 ms a machine, at most 5 s). */
  staggerMs?: number;
};

export class Simulation {
  readonly stats = new SimStats();
  readonly machines: SimMachine[];
  private readonly staggerMs: number;
  private readonly starts: NodeJS.Timeout[] = [];

  constructor(credentials: readonly SimMachineCredentials[], options: FleetOptions) {
    const { staggerMs, ...machineOptions } = options;
    this.staggerMs = staggerMs ?? Math.min(5000, credentials.length * 25);
    this.machines = credentials.map(
      (c) => new SimMachine({ ...machineOptions, credentials: c, stats: this.stats }),
    );
  }

  start(): void {
    const step = this.machines.length > 1 ? this.staggerMs / (this.machines.length - 1) : 0;
    this.machines.forEach((machine, i) => {
      if (i === 0 || step === 0) machine.start();
      else this.starts.push(setTimeout(() => machine.start(), Math.round(i * step)));
    });
  }

  /** Stops every machine, after waiting up to `drainMs` for their outboxes to empty. */
  async stop(drainMs = 0): Promise<void> {
    for (const timer of this.starts) clearTimeout(timer);
    await Promise.all(this.machines.map((m) => m.stop({ drainMs })));
  }

  statusLine(): string {
    return statusLine(this.machines, this.stats);
  }

  machine(machineId: string): SimMachine | undefined {
    return this.machines.find((m) => m.machineId === machineId);
  }
}
