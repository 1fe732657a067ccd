import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { buckets, consumers, streams } from '@nxg/contracts';
import { provisionMessaging } from '@nxg/platform';
import pg from 'pg';
import { resolveBackends, type Backends } from './backends.ts';
import { freePort } from './free-port.ts';
import { startServiceProcess, type ServiceProcess } from './service-process.ts';

export interface PlatformOptions {
  /** Identity replicas sharing one database (needs PostgreSQL for more than one). */
  identityReplicas?: number;
  gatewayReplicas?: number;
  /** Machine-hub replicas (none unless asked for; more than one needs PostgreSQL). */
  hubReplicas?: number;
  /** Workout replicas (none unless asked for). */
  workoutReplicas?: number;
  workoutEnv?: Record<string, string>;
  /** Extra environment for every service. */
  env?: Record<string, string>;
  identityEnv?: Record<string, string>;
  gatewayEnv?: Record<string, string>;
  hubEnv?: Record<string, string>;
}

export interface TestPlatform {
  backends: Backends;
  /** Base URL of the first gateway, e.g. http://127.0.0.1:34567 */
  gatewayUrl: string;
  gatewayUrls: string[];
  identity: ServiceProcess[];
  gateway: ServiceProcess[];
  hub: ServiceProcess[];
  workout: ServiceProcess[];
  /** Base URLs of the machine-hub replicas (their WebSocket is at /v1/machines/connect). */
  hubUrls: string[];
  /** A NATS connection of the test's own, to watch events or call services directly. */
  nc: NatsConnection;
  stop(): Promise<void>;
}

/** Provisions streams and buckets as the deploy step does. */
export async function provision(natsUrl: string, options: { freshConsumers?: string[] } = {}): Promise<void> {
  const nc = await connect({ servers: natsUrl });
  try {
    // A durable consumer outlives test runs on a shared NATS: its backlog of other runs' events
    // would delay this run's. Recreated, it starts from now (deliver policy `new`).
    const jsm = await jetstreamManager(nc);
    for (const durable of options.freshConsumers ?? []) {
      const declared = consumers.find((c) => c.durable === durable);
      if (declared) await jsm.consumers.delete(declared.stream, durable).catch(() => false);
    }
    await provisionMessaging(nc, { streams, consumers, buckets });
  } finally {
    await nc.close();
  }
}

/**
 * Starts identity and the gateway as real processes against the resolved backends, each test
 * platform with a database and data directory of its own, and says which backends it used.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const backends = await resolveBackends();
  console.info(`[testing] backends: ${backends.describe()}`);
  const workoutConsumers = options.workoutReplicas
    ? consumers.filter((c) => c.durable.startsWith('workout_'))
    : [];
  await provision(backends.natsUrl, { freshConsumers: workoutConsumers.map((c) => c.durable) });
  const dataDir = mkdtempSync(join(tmpdir(), 'nxg-test-'));
  const databaseName = `nxg_identity_t${randomBytes(5).toString('hex')}`;
  const common: Record<string, string> = {
    NATS_URL: backends.natsUrl,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    // Rate-limit counters and cached state of one test platform never meet another's.
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}:`,
    ...(backends.redisUrl ? { REDIS_URL: backends.redisUrl } : {}),
    ...options.env,
  };
  const identityEnv = {
    ...common,
    IDENTITY_DATA_KEY: randomBytes(32).toString('base64'),
    ...(backends.databaseUrl ? { DATABASE_URL: backends.databaseUrl, DATABASE_NAME: databaseName } : {}),
    ...options.identityEnv,
  };
  const hubDatabaseName = databaseName.replace('identity', 'hub');
  const hubEnv = {
    ...common,
    HEARTBEAT_INTERVAL_S: '2',
    ...(backends.databaseUrl ? { DATABASE_URL: backends.databaseUrl, DATABASE_NAME: hubDatabaseName } : {}),
    ...options.hubEnv,
  };
  const workoutDatabaseName = databaseName.replace('identity', 'workout');
  const workoutEnv = {
    ...common,
    ...(backends.databaseUrl
      ? { DATABASE_URL: backends.databaseUrl, DATABASE_NAME: workoutDatabaseName }
      : {}),
    ...options.workoutEnv,
  };
  const workout: ServiceProcess[] = [];
  const identity: ServiceProcess[] = [];
  const gateway: ServiceProcess[] = [];
  const hub: ServiceProcess[] = [];
  const gatewayUrls: string[] = [];
  const hubUrls: string[] = [];
  const nc = await connect({ servers: backends.natsUrl, name: 'test' });
  await assertNoForeignServices(nc);
  const stop = async () => {
    await Promise.all([...gateway, ...hub, ...workout, ...identity].map((s) => s.stop().catch(() => {})));
    await nc.close();
    if (backends.databaseUrl) {
      await dropDatabase(backends.databaseUrl, databaseName);
      await dropDatabase(backends.databaseUrl, hubDatabaseName);
      await dropDatabase(backends.databaseUrl, workoutDatabaseName);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < (options.identityReplicas ?? 1); i++) {
      const port = await freePort();
      identity.push(
        await startServiceProcess('identity', { ...identityEnv, IDENTITY_PORT: String(port) }, port),
      );
    }
    for (let i = 0; i < (options.workoutReplicas ?? 0); i++) {
      const port = await freePort();
      workout.push(await startServiceProcess('workout', { ...workoutEnv, WORKOUT_PORT: String(port) }, port));
    }
    for (let i = 0; i < (options.hubReplicas ?? 0); i++) {
      const port = await freePort();
      hub.push(
        await startServiceProcess(
          'machine-hub',
          { ...hubEnv, MACHINE_HUB_PORT: String(port), HUB_INSTANCE_ID: `hub-${i}` },
          port,
        ),
      );
      hubUrls.push(`http://127.0.0.1:${port}`);
    }
    for (let i = 0; i < (options.gatewayReplicas ?? 1); i++) {
      const port = await freePort();
      const env = {
        ...common,
        AUTH_RATE_LIMIT_MAX: '10000',
        GATEWAY_PORT: String(port),
        ...options.gatewayEnv,
      };
      gateway.push(await startServiceProcess('gateway', env, port));
      gatewayUrls.push(`http://127.0.0.1:${port}`);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    backends,
    gatewayUrl: gatewayUrls[0]!,
    gatewayUrls,
    identity,
    gateway,
    hub,
    hubUrls,
    workout,
    nc,
    stop,
  };
}

/**
 * Services answer on fixed subjects in shared queue groups: a `pnpm start` (or another test run)
 * on the same NATS would silently take half of this platform's requests. Refuse to start instead.
 */
async function assertNoForeignServices(nc: NatsConnection): Promise<void> {
  const envelope = JSON.stringify({ ctx: { requestId: 'test-probe', roles: [], branchRoles: {} }, body: {} });
  const answered = await nc.request('svc.identity.jwks', envelope, { timeout: 500 }).then(
    () => true,
    () => false,
  );
  if (answered) {
    await nc.close();
    throw new Error(
      'Another identity service already answers on this NATS (is `pnpm start` or another test run going?). ' +
        'Stop it, or point the tests at another server with NATS_URL.',
    );
  }
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
