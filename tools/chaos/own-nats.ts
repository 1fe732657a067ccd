import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@nxg/testing';

/** A nats-server of the chaos run's own (never the machine's): it may be killed and started again. */
export interface OwnNats {
  readonly url: string;
  /** `kill -9`: JetStream keeps only what it had synced. */
  kill(): Promise<void>;
  /** Starts again on the same port and store directory, until it accepts connections. */
  start(): Promise<void>;
  /** Stops it for good and removes its store. */
  close(): Promise<void>;
}

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

export async function startOwnNats(): Promise<OwnNats> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), 'nxg-chaos-nats-'));
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', storeDir], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 100; i++) {
      if (await accepts(port)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nats-server did not start on port ${port}`);
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((r) => running.once('exit', r));
    running.kill('SIGKILL');
    await exited;
  };
  process.once('exit', () => child?.kill('SIGKILL'));
  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    kill,
    start,
    async close() {
      await kill();
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}
