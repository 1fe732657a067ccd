import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface Backends {
  natsUrl: string;
  /** A PostgreSQL server URL, or undefined for embedded PGlite. */
  databaseUrl: string | undefined;
  /** A Redis URL, or undefined for the in-process cache. */
  redisUrl: string | undefined;
  describe(): string;
}

const answers = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ host, port, timeout: 500 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
  });

let embeddedNats: { url: string; process: ChildProcess } | undefined;

/** A nats-server with JetStream started from PATH for this test process, stopped when it exits. */
async function startEmbeddedNats(): Promise<string> {
  if (embeddedNats) return embeddedNats.url;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'nxg-nats-'));
  const child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], {
    stdio: 'ignore',
  });
  process.once('exit', () => child.kill());
  for (let i = 0; i < 50 && !(await answers('127.0.0.1', port)); i++)
    await new Promise((r) => setTimeout(r, 100));
  embeddedNats = { url: `nats://127.0.0.1:${port}`, process: child };
  return embeddedNats.url;
}

/**
 * What integration tests run against: the servers named by NATS_URL, DATABASE_URL and REDIS_URL
 * when set; otherwise a NATS on the default port or one started from PATH, embedded PGlite, and
 * the in-process cache.
 */
export async function resolveBackends(env: NodeJS.ProcessEnv = process.env): Promise<Backends> {
  let natsUrl = env.NATS_URL;
  if (!natsUrl)
    natsUrl = (await answers('127.0.0.1', 4222)) ? 'nats://127.0.0.1:4222' : await startEmbeddedNats();
  const databaseUrl = env.DATABASE_URL || undefined;
  const redisUrl = env.REDIS_URL || undefined;
  return {
    natsUrl,
    databaseUrl,
    redisUrl,
    describe: () =>
      `nats=${natsUrl} database=${databaseUrl ? new URL(databaseUrl).host + ' (PostgreSQL)' : 'PGlite (embedded)'} ` +
      `cache=${redisUrl ? new URL(redisUrl).host + ' (Redis)' : 'in-process'}`,
  };
}
