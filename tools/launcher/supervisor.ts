import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXIT_CONFIG } from '@nxg/platform';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const colours = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m', '\x1b[37m'];

interface Running {
  child: ChildProcess;
  port: number;
  restarts: number;
  stopping: boolean;
}

/**
 * Runs each service as its own process, prefixes its output, and restarts it if it crashes, with a
 * growing pause. A service that exits because of its configuration (EX_CONFIG) is not restarted:
 * it would fail the same way forever.
 */
export class Supervisor {
  private readonly running = new Map<string, Running>();
  private readonly exits = new Map<string, (number | null)[]>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly write: (line: string) => void;

  constructor(
    env: NodeJS.ProcessEnv,
    write: (line: string) => void = (line) => void process.stdout.write(`${line}\n`),
  ) {
    this.env = env;
    this.write = write;
  }

  /** How each process of a service has exited so far (null: by a signal). */
  exitCodes(name: string): (number | null)[] {
    return this.exits.get(name) ?? [];
  }

  /** Starts a service and resolves once its /health/ready answers 200. */
  async start(name: string, main: string, port: number): Promise<void> {
    this.spawn(name, main, port, 0);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (this.running.get(name)?.child.exitCode === EXIT_CONFIG) {
        throw new Error(
          `${name} cannot start as configured (see its message above); fix it and run pnpm start again`,
        );
      }
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name} did not become ready on port ${port} within 60 s (see its output above)`);
  }

  private spawn(name: string, main: string, port: number, restarts: number): void {
    const colour = colours[[...this.running.keys(), name].indexOf(name) % colours.length];
    const child = spawn(process.execPath, [main], {
      cwd: repoRoot,
      env: this.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const prefix = `${colour}${name.padEnd(10)}\x1b[0m| `;
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line) this.write(prefix + line);
    };
    child.stdout.on('data', relay);
    child.stderr.on('data', relay);
    const entry: Running = { child, port, restarts, stopping: false };
    this.running.set(name, entry);
    child.once('exit', (code, signal) => {
      this.exits.set(name, [...this.exitCodes(name), code]);
      if (entry.stopping) return;
      if (code === EXIT_CONFIG) {
        this.write(`${prefix}stopped: its configuration must change first (see above); not restarting`);
        return;
      }
      const delay = Math.min(30_000, 500 * 2 ** restarts);
      this.write(`${prefix}exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(() => this.spawn(name, main, port, restarts + 1), delay).unref();
    });
  }

  /** SIGTERM to every service, newest first, waiting for each graceful stop. */
  async stopAll(): Promise<void> {
    for (const [, entry] of [...this.running].reverse()) {
      entry.stopping = true;
      if (entry.child.exitCode !== null || entry.child.signalCode !== null) continue;
      await new Promise<void>((done) => {
        entry.child.once('exit', () => done());
        entry.child.kill('SIGTERM');
      });
    }
  }
}
