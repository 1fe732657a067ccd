import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** A helper server of the benchmark, run as its own process so it never shares the load generator's event loop. */
export interface BenchChild {
  readonly name: string;
  readonly pid: number;
  /** The port it printed on its READY line, when it listens. */
  readonly port: number | undefined;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/**
 * Runs `tools/bench/<script>` with Node and waits for the line `READY [port]` on its stdout.
 * `nodeOptions` (e.g. `--cpu-prof --cpu-prof-dir=…`) is passed as NODE_OPTIONS.
 */
export async function startChild(
  name: string,
  script: string,
  env: Record<string, string>,
  options: { nodeOptions?: string; timeoutMs?: number } = {},
): Promise<BenchChild> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const child = spawn(process.execPath, [path], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  let output = '';
  const port = await new Promise<number | undefined>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} not ready after ${options.timeoutMs ?? 15_000} ms:\n${output}`));
    }, options.timeoutMs ?? 15_000);
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-10_000);
      const ready = /^READY(?: (\d+))?$/m.exec(output);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1] ? Number(ready[1]) : undefined);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-10_000);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready:\n${output}`));
    });
  });
  return {
    name,
    pid: child.pid!,
    port,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited(child);
        clearTimeout(timer);
      }
      process.removeListener('exit', killOnExit);
    },
  };
}
