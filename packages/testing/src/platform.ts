import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type ConnectionOptions, type NatsConnection } from '@nats-io/transport-node';
import { messaging, serviceManifest, type EventEnvelope } from '@nxg/contracts';
import {
  actingAs,
  BusIdentity,
  inNamespace,
  namespace,
  provisionMessaging,
  signedEventHeaders,
  type Namespace,
} from '@nxg/platform';
import pg from 'pg';
import { resolveBackends, type Backends } from './backends.ts';
import { freePort } from './free-port.ts';
import { startInProcess } from './in-process-service.ts';
import { recordTestSecret } from './log-scan/test-logs.ts';
import type { RunningService } from './running-service.ts';
import { startServiceProcess } from './service-process.ts';

export interface PlatformOptions {
  /** Replicas of each service (by manifest name); default one identity and one gateway. */
  replicas?: Record<string, number>;
  /**
   * Real processes instead of services built in this process: for what needs a process (kill -9,
   * signals, a crash) — the few multi-process journeys.
   */
  processes?: boolean;
  /** Extra environment: under `all` for every service, or under a service's name. */
  env?: Record<string, Record<string, string>>;
  /**
   * A NATS server of the test's own (a secured one, say) instead of the resolved one: its URL, the
   * namespace to use there (default: a random one) and how the test's own connection logs in.
   * Services' credentials go in `env`.
   */
  nats?: { url: string; prefix?: string; connect?: Partial<ConnectionOptions> };
  /**
   * The TELEMETRY stream's byte limit (default 64 MiB, see below). A benchmark streaming thousands
   * of frames a second fills 64 MiB in about half a minute; from then on every frame stored evicts
   * the oldest, which is a cost of its own on the NATS server (docs/benchmarks-hub.md).
   */
  telemetryMaxBytes?: number;
}

export interface TestPlatform {
  backends: Backends;
  /** This platform's NATS namespace: its subjects, streams and buckets are its own. */
  ns: Namespace;
  /** Base URL of the first gateway, e.g. http://127.0.0.1:34567 */
  gatewayUrl: string;
  gatewayUrls: string[];
  /** Base URLs of the machine-hub replicas (their WebSocket is at /v1/machines/connect). */
  hubUrls: string[];
  /** What was started, by service name. */
  services: Record<string, RunningService[]>;
  /**
   * A NATS connection of the test's own, inside the platform's namespace. It holds no bus key: a
   * service refuses its requests, as it would an intruder's.
   */
  nc: NatsConnection;
  /** This platform's SERVICE_KEY (random per platform), as its services were given it. */
  serviceKey: string;
  /** The test's connection signing as `service` would (to call operations the way a service does). */
  busAs(service: string): NatsConnection;
  /**
   * Publishes an event onto its stream as its `source` service would (signed, so consumers take
   * it). `msgId` defaults to the event id, as the outbox sets it.
   */
  publishEvent(
    natsSubject: string,
    envelope: EventEnvelope,
    options?: { msgId?: string },
  ): Promise<{ duplicate: boolean }>;
  stop(): Promise<void>;
}

/**
 * What tests want unless they say otherwise: data keys (shared by a service's replicas), short
 * heartbeats and a name per hub replica, a generous login budget.
 */
const testDefaults: Record<
  string,
  { shared?: () => Record<string, string>; replica?: (i: number) => Record<string, string> }
> = {
  identity: {
    shared: () => {
      const key = randomBytes(32).toString('base64');
      recordTestSecret(key); // the log scan looks for it
      return { IDENTITY_DATA_KEY: key };
    },
  },
  'machine-hub': {
    shared: () => ({ HEARTBEAT_INTERVAL_S: '2', HUB_DATA_KEY: randomBytes(32).toString('base64') }),
    replica: (i) => ({ HUB_INSTANCE_ID: `hub-${i}` }),
  },
  gateway: { shared: () => ({ AUTH_RATE_LIMIT_MAX: '10000' }) },
};

/**
 * Starts the services a test needs against the resolved backends, each test platform in a NATS
 * namespace, databases, a data directory and Redis prefix of its own, so test files run in
 * parallel on one NATS server, one PostgreSQL and one Redis. Services start in manifest order.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const resolved = await resolveBackends();
  const natsUrl = options.nats?.url;
  const backends = natsUrl
    ? { ...resolved, natsUrl, describe: () => resolved.describe().replace(resolved.natsUrl, natsUrl) }
    : resolved;
  console.info(`[testing] backends: ${backends.describe()}`);
  const replicas = { identity: 1, gateway: 1, ...options.replicas };
  for (const entry of serviceManifest) {
    const count = replicas[entry.name as keyof typeof replicas] ?? 0;
    // Embedded PGlite is one process's database, under DATA_DIR/<service>: two replicas would each
    // open the same files with a state of their own, not share one database as in production.
    if (count > 1 && entry.database && !backends.databaseUrl) {
      throw new Error(
        `${count} replicas of ${entry.name} need a PostgreSQL server to share (DATABASE_URL); ` +
          'with embedded PGlite start one, or skip the test',
      );
    }
  }
  const tag = randomBytes(5).toString('hex');
  const ns = namespace(options.nats?.prefix ?? `t${tag}`);
  // Keeps reconnecting, as services do, through a NATS restart a test causes.
  const root = await connect({
    servers: backends.natsUrl,
    name: `test-${tag}`,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    ...options.nats?.connect,
  });
  const nc = inNamespace(root, ns);
  // A small telemetry stream: JetStream reserves each stream's byte limit on disk, and the
  // production 10 GiB times every test platform running at once exhausts the server's storage.
  await provisionMessaging(nc, messaging, {
    limits: { TELEMETRY: { maxBytes: options.telemetryMaxBytes ?? 64 * 2 ** 20 } },
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'nxg-test-'));
  const serviceKey = randomBytes(32).toString('base64');
  const common: Record<string, string> = {
    NATS_URL: backends.natsUrl,
    NATS_PREFIX: ns.prefix,
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    // Warnings and errors only (kept for a failing test's message): info lines would drown the output.
    LOG_LEVEL: 'warn',
    // Rate-limit counters and cached state of one test platform never meet another's.
    REDIS_PREFIX: `t${tag}:`,
    SERVICE_KEY: serviceKey,
    ...(backends.redisUrl ? { REDIS_URL: backends.redisUrl } : {}),
    ...options.env?.all,
  };
  const databases: string[] = [];
  const services: Record<string, RunningService[]> = {};
  const stop = async () => {
    for (const entry of [...serviceManifest].reverse()) {
      await Promise.all((services[entry.name] ?? []).map((s) => s.stop().catch(() => {})));
    }
    await removeNamespace(nc, ns);
    await root.close();
    if (backends.databaseUrl) for (const name of databases) await dropDatabase(backends.databaseUrl, name);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (const entry of serviceManifest) {
      const count = replicas[entry.name as keyof typeof replicas] ?? 0;
      const databaseName = `nxg_${entry.name.replaceAll('-', '_')}_t${tag}`;
      if (count && entry.database && backends.databaseUrl) databases.push(databaseName);
      const defaults = testDefaults[entry.name];
      // Replicas of a service share its key and database, as in production.
      const shared = defaults?.shared?.() ?? {};
      services[entry.name] = [];
      for (let i = 0; i < count; i++) {
        const port = await freePort();
        const env = {
          ...common,
          ...shared,
          ...defaults?.replica?.(i),
          ...(entry.database && backends.databaseUrl
            ? { DATABASE_URL: backends.databaseUrl, DATABASE_NAME: databaseName }
            : {}),
          [entry.portVariable]: String(port),
          ...options.env?.[entry.name],
        };
        services[entry.name]!.push(
          options.processes
            ? await startServiceProcess(entry.name, entry.main, env, port)
            : await startInProcess(entry, env, port),
        );
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  const urls = (name: string) => (services[name] ?? []).map((s) => s.url);
  const busAs = (service: string) =>
    actingAs(nc, new BusIdentity(Buffer.from(serviceKey, 'base64'), service));
  return {
    backends,
    ns,
    gatewayUrl: urls('gateway')[0]!,
    gatewayUrls: urls('gateway'),
    hubUrls: urls('machine-hub'),
    services,
    nc,
    serviceKey,
    busAs,
    async publishEvent(natsSubject, envelope, options = {}) {
      const payload = new TextEncoder().encode(JSON.stringify(envelope));
      const ack = await jetstream(nc).publish(natsSubject, payload, {
        msgID: options.msgId ?? envelope.id,
        headers: signedEventHeaders(busAs(envelope.source), natsSubject, payload),
      });
      return { duplicate: ack.duplicate };
    },
    stop,
  };
}

/** A test platform leaves no streams or buckets behind on a shared NATS. */
async function removeNamespace(nc: NatsConnection, ns: Namespace): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for await (const name of jsm.streams.names()) {
    if (name.startsWith(`${ns.prefix}_`) || name.startsWith(`KV_${ns.prefix}_`)) {
      await jsm.streams.delete(name).catch(() => false);
    }
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
