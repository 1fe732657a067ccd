import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const simScript = fileURLToPath(new URL('../../../tools/machine-sim/sim.ts', import.meta.url));

export interface SimulatedMachine {
  machineId: string;
  secret: string;
  name: string;
  kind: 'treadmill' | 'bike' | 'strength';
}

/**
 * `pnpm sim` as its own process (so a test can kill -9 it), driving these machines against a
 * platform, printing each QR code it shows. Its output is kept for the test to read.
 */
export class SimulatorProcess {
  readonly child: ChildProcess;
  private output = '';

  constructor(options: { dir: string; machines: SimulatedMachine[]; gatewayUrl: string; hubUrl: string }) {
    const file = join(options.dir, 'sim-machines.json');
    writeFileSync(file, JSON.stringify(options.machines), { mode: 0o600 });
    this.child = spawn(
      process.execPath,
      [
        simScript,
        ['--machines', file],
        ['--gateway', options.gatewayUrl],
        ['--hub', options.hubUrl],
        ['--rate', '2'],
        ['--set-every', '0'],
        ['--status-every', '3600'],
        '--show-qr',
      ].flat(),
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keep = (chunk: Buffer) => (this.output += chunk.toString());
    this.child.stdout!.on('data', keep);
    this.child.stderr!.on('data', keep);
  }

  /** How much output there is now: pass it to `qrOf`/`said` to look only at what follows. */
  get mark(): number {
    return this.output.length;
  }

  get log(): string {
    return this.output;
  }

  /** The first QR token `name` shows after `since`, as a member's phone would scan it. */
  qrOf(name: string, since = 0, timeoutMs = 15_000): Promise<string> {
    const pattern = new RegExp(`\\[sim\\] ${escape(name)} shows QR (\\S+)`);
    return this.waitFor(
      () => this.output.slice(since).match(pattern)?.[1],
      `a QR code on ${name}`,
      timeoutMs,
    );
  }

  /** Waits until the simulator printed `text` after `since`. */
  said(text: string, since = 0, timeoutMs = 15_000): Promise<true> {
    return this.waitFor(() => this.output.slice(since).includes(text) || undefined, `"${text}"`, timeoutMs);
  }

  /**
   * SIGSTOP: the process hangs with its sockets open, as a machine whose software froze or whose
   * network went silent would; only the missing heartbeats tell the hub. `kill` still ends it.
   */
  freeze(): void {
    this.child.kill('SIGSTOP');
  }

  /** kill -9: no goodbye, no unlink; the hub finds out from the dead socket and the missing heartbeats. */
  kill(): void {
    this.child.kill('SIGKILL');
  }

  private async waitFor<T>(probe: () => T | undefined, what: string, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      if (Date.now() > deadline || this.child.exitCode !== null)
        throw new Error(`the simulator did not show ${what}; its output:\n${this.output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
