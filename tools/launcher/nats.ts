import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { resolve } from 'node:path';

const answers = (host: string, port: number) =>
  new Promise<boolean>((done) => {
    const socket = createConnection({ host, port, timeout: 1000 });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
    socket.once('timeout', () => {
      socket.destroy();
      done(false);
    });
  });

/** The NATS at `url`, or one started from PATH with JetStream under `<dataDir>/nats`. */
export async function ensureNats(
  url: string,
  dataDir: string,
): Promise<{ url: string; started: boolean; stop(): Promise<void> }> {
  const first = new URL(url.split(',')[0]!);
  const port = Number(first.port || 4222);
  if (await answers(first.hostname, port)) return { url, started: false, stop: async () => {} };
  if (spawnSync('nats-server', ['--version']).error) {
    throw new Error(
      `No NATS answers at ${url}, and no nats-server is on PATH: install nats-server or set NATS_URL.`,
    );
  }
  const storeDir = resolve(dataDir, 'nats');
  mkdirSync(storeDir, { recursive: true });
  const child = spawn('nats-server', ['-a', first.hostname, '-p', String(port), '-js', '-sd', storeDir], {
    stdio: 'inherit',
  });
  for (let i = 0; i < 100 && !(await answers(first.hostname, port)); i++)
    await new Promise((r) => setTimeout(r, 100));
  return {
    url,
    started: true,
    stop: () =>
      new Promise<void>((done) => {
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}
