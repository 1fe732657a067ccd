import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { appendTestLog, testLogDir } from './log-scan/test-logs.ts';
import type { RunningService } from './running-service.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });

/** Polls `/health/ready` until it answers 200, or fails with the service's output. */
async function waitReady(
  url: string,
  child: ChildProcess,
  output: () => string,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}:\n${output()}`);
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`service not ready after ${timeoutMs} ms:\n${output()}`);
}

/** Runs a service's `main.ts` as a real process, the way production does. */
export async function startServiceProcess(
  name: string,
  main: string,
  env: Record<string, string>,
  healthPort: number,
  options: { timeoutMs?: number } = {},
): Promise<RunningService> {
  let output = '';
  let child: ChildProcess;
  let currentEnv = { ...env };
  const healthUrl = `http://127.0.0.1:${healthPort}/health/ready`;
  const launch = async () => {
    child = spawn(process.execPath, [main], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        LOG_LEVEL: 'warn',
        ...currentEnv,
        // A run's log scan reads every line from info up (log-scan/).
        ...(testLogDir() ? { LOG_LEVEL: 'info' } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
      appendTestLog(chunk.toString());
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    await waitReady(healthUrl, child, () => output, options.timeoutMs ?? 30_000);
  };
  await launch();
  process.once('exit', () => child.kill('SIGKILL'));
  return {
    name,
    url: `http://127.0.0.1:${healthPort}`,
    get env() {
      return currentEnv;
    },
    get pid() {
      return child.pid;
    },
    logs: () => output,
    async kill() {
      child.kill('SIGKILL');
      await exited(child);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
    async restart(overrides = {}) {
      currentEnv = { ...env, ...overrides };
      await launch();
    },
  };
}
