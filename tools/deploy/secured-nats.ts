/**
 * A nats-server of a test's own, run as production runs it: TLS, and the committed
 * deploy/nats/authorization.conf with a fresh NKEY per service. Never the machine's NATS.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { serviceManifest } from '@nxg/contracts';
import { freePort, waitFor } from '@nxg/testing';
import { repoRoot } from './deployed-services.ts';
import { nkeyVariable, provisionUser } from './nats-permissions.ts';

export interface SecuredNats {
  url: string;
  /** NKEY seed per user (each manifest service, and `provision`). */
  seeds: Record<string, string>;
  /** The CA that signed the server's certificate (PEM), as NATS_TLS_CA takes it. */
  caPem: string;
  /** The user (service name) whose public key is `nkey`. */
  userOf(nkey: string): string | undefined;
  /** The permission violations the server logged so far, as `<user> <Publish|Subscription> <subject>`. */
  violations(): string[];
  stop(): Promise<void>;
}

/** A throwaway CA and a server certificate for 127.0.0.1, made with the openssl CLI. */
function makeCertificates(dir: string): { ca: string; cert: string; key: string } {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=nxg-test-ca',
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
  );
  openssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
  );
  writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  openssl(
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    file('san.ext'),
    '-out',
    file('server.pem'),
  );
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

export async function startSecuredNats(): Promise<SecuredNats> {
  const dir = mkdtempSync(join(tmpdir(), 'nxg-secured-nats-'));
  const port = await freePort();
  const tls = makeCertificates(dir);
  const seeds: Record<string, string> = {};
  const publicKeys: Record<string, string> = {};
  const env: Record<string, string> = { ...process.env } as Record<string, string>;
  for (const user of [...serviceManifest.map((s) => s.name), provisionUser]) {
    const pair = nkeys.createUser();
    seeds[user] = new TextDecoder().decode(pair.getSeed());
    publicKeys[user] = pair.getPublicKey();
    env[nkeyVariable(user)] = pair.getPublicKey();
  }
  writeFileSync(
    join(dir, 'authorization.conf'),
    readFileSync(join(repoRoot, 'deploy/nats/authorization.conf')),
  );
  writeFileSync(
    join(dir, 'nats.conf'),
    `listen: 127.0.0.1:${port}
jetstream { store_dir: "${join(dir, 'js')}" }
tls { cert_file: "${tls.cert}", key_file: "${tls.key}" }
include ./authorization.conf
`,
  );
  let log = '';
  const child = spawn('nats-server', ['-c', join(dir, 'nats.conf')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await waitFor(
    () => Promise.resolve(log.includes('Server is ready') || (child.exitCode !== null && 'exited')),
    10_000,
    50,
  );
  if (child.exitCode !== null) throw new Error(`nats-server did not start:\n${log}`);
  const userOf = (nkey: string) => Object.keys(publicKeys).find((user) => publicKeys[user] === nkey);
  return {
    url: `nats://127.0.0.1:${port}`,
    seeds,
    caPem: readFileSync(tls.ca, 'utf8'),
    userOf,
    violations: () =>
      [...log.matchAll(/(Publish|Subscription) Violation - Nkey "(\w+)", Subject "([^"]+)"/g)].map(
        ([, kind, nkey, subject]) => `${userOf(nkey!) ?? nkey} ${kind} ${subject}`,
      ),
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
