import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Static, TObject, TProperties } from 'typebox';
import { tokenAudience } from '../auth/audience.ts';
import { authPlugin } from '../auth/auth-plugin.ts';
import { requireAdminMfa } from '../auth/step-up.ts';
import { BusIdentity } from '../bus/bus-identity.ts';
import { connectBus, type Bus } from '../bus/connection.ts';
import { runConsumer, type ConsumerRunner } from '../bus/consumer.ts';
import { startOutboxRelay, type OutboxRelay } from '../bus/outbox.ts';
import { serveOperations, type ServedOperations } from '../bus/rpc.ts';
import { serviceKeyFrom } from '../bus/service-key.ts';
import { createCache, type Cache } from '../cache.ts';
import { ConfigError, loadConfig } from '../config.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { registerHealthRoutes } from '../http/health.ts';
import { createHttpServer } from '../http/server.ts';
import { consumerBacklogEmfLine, registerMetricsRoute } from '../metrics/metrics-route.ts';
import { createServiceMetrics } from '../metrics/service-metrics.ts';
import { platformMigrations } from '../paths.ts';
import type { Kit, ServiceConfig, ServiceDefinition } from './define-service.ts';
import { startJobs, type JobRunner } from './job-runner.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** What the kit started for this service (tests reach the database and NATS through it). */
    kit: Kit;
  }
}

/** Checks a service's configuration (from the environment, or a test's own variables). */
export function loadServiceConfig<P extends TProperties, D>(
  definition: ServiceDefinition<P, D>,
  env: Record<string, string | undefined> = process.env,
): Static<TObject<P>> & ServiceConfig {
  const config = loadConfig(definition.config, env) as Static<TObject<P>> & ServiceConfig;
  serviceKeyFrom(config); // a ConfigError now (exit 78) if production has none or a bad one
  const problems = definition.checkConfig?.(config) ?? [];
  if (problems.length) throw new ConfigError(`invalid configuration:\n  ${problems.join('\n  ')}`);
  return config;
}

let warnedOfDevelopmentKey = false;

const paused: OutboxRelay = { flush: async () => 0, stop: async () => {} };

/**
 * Assembles a service from its definition, always in the same order: database (migrated), NATS,
 * cache, outbox relay, token verification, health; then the service's context and its features'
 * operations, consumers, jobs and HTTP routes. Nothing is opened until the instance is readied;
 * only `runService` listens. Closing it stops intake (HTTP and NATS operations), then consumers,
 * then jobs and what the context opened, then the outbox relay, drains NATS and closes the pools.
 */
export function buildService<P extends TProperties, D>(
  definition: ServiceDefinition<P, D>,
  config: Static<TObject<P>> & ServiceConfig,
  logger: Logger,
): FastifyInstance {
  const app = createHttpServer({ logger, ...definition.http?.(config) });
  const metrics = createServiceMetrics(definition.name);
  const cfg = config as ServiceConfig & {
    OUTBOX_RELAY_PAUSED?: boolean;
    JWT_ISSUER?: string;
    JWT_AUDIENCE?: string;
  };

  let db: Database | undefined;
  let bus: Bus | undefined;
  let cache: Cache | undefined;
  let outbox: OutboxRelay | undefined;
  const operations: ServedOperations[] = [];
  const consumers: ConsumerRunner[] = [];
  let jobs: JobRunner | undefined;
  const resources: (() => unknown)[] = [];

  const kit: Kit<typeof config> = {
    name: definition.name,
    config,
    logger,
    metrics,
    get db() {
      if (!db) throw new Error(`${definition.name} declares no migrations, so it has no database`);
      return db;
    },
    get bus() {
      return bus!;
    },
    get nc() {
      return bus!.nc;
    },
    get cache() {
      return cache!;
    },
    get outbox() {
      if (!outbox) throw new Error(`${definition.name} declares no migrations, so it has no outbox`);
      return outbox;
    },
    onStop: (stop) => void resources.push(stop),
  };
  app.decorate('kit', kit as Kit);

  void app.register(async function infrastructure() {
    if (definition.migrations) {
      db = await openDatabase({
        service: definition.name,
        url: config.DATABASE_URL,
        name: config.DATABASE_NAME,
        dataDir: config.DATA_DIR,
      });
      const applied = await migrate(db, [
        platformMigrations,
        { scope: definition.name, dir: definition.migrations },
      ]);
      if (applied.length) logger.info({ applied }, 'migrations applied');
    }
    const serviceKey = serviceKeyFrom(config, () => {
      if (!warnedOfDevelopmentKey)
        logger.warn('SERVICE_KEY not set: using the development key (never in production)');
      warnedOfDevelopmentKey = true;
    });
    bus = await connectBus({
      url: config.NATS_URL,
      name: definition.name,
      logger,
      prefix: config.NATS_PREFIX,
      identity: new BusIdentity(serviceKey, definition.name),
      security: {
        nkeySeed: config.NATS_NKEY_SEED,
        tlsCa: config.NATS_TLS_CA,
        tlsCert: config.NATS_TLS_CERT,
        tlsKey: config.NATS_TLS_KEY,
      },
    });
    cache = createCache({ url: config.REDIS_URL, prefix: `${config.REDIS_PREFIX}${definition.name}:` });
    if (db) {
      if (cfg.OUTBOX_RELAY_PAUSED) logger.warn('outbox relay paused: events stay in the outbox');
      outbox = cfg.OUTBOX_RELAY_PAUSED ? paused : startOutboxRelay({ db, nc: bus.nc, logger });
      const database = db;
      metrics.outboxBacklog(async () => {
        const [row] = await database.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL',
        );
        return row?.n ?? 0;
      });
    }
  });
  // The auth plugin decorates the root instance (gateway and hub routes read app.auth).
  if (definition.auth) {
    void app.register(authPlugin, () => ({
      nc: bus!.nc,
      issuer: cfg.JWT_ISSUER ?? '',
      audience: tokenAudience(cfg.JWT_AUDIENCE ?? '', definition.auth!),
    }));
  }
  void app.register(async function health(scope) {
    registerHealthRoutes(scope, {
      nats: () => bus!.isConnected(),
      ...(db ? { database: () => db!.ping() } : {}),
      cache: () => cache!.ping(),
      ...(definition.auth
        ? { signingKeys: () => app.auth.keys.loaded, revocations: () => app.auth.revocations.isReady }
        : {}),
    });
    registerMetricsRoute(scope, metrics);
  });

  void app.register(async function features(scope) {
    const deps = await definition.context(kit);
    for (const feature of definition.features) {
      const bindings = feature.operations?.(deps) ?? [];
      const production = config.NODE_ENV === 'production';
      if (bindings.length)
        operations.push(
          serveOperations(kit.nc, requireAdminMfa(bindings, { production, logger }), logger, metrics),
        );
      for (const binding of feature.consumers?.(deps) ?? []) {
        consumers.push(await runConsumer(kit.nc, { ...binding, logger, metrics }));
      }
      // In the features scope itself, so one feature's hooks (the gateway's OpenAPI) see the next one's routes.
      await feature.http?.(scope, deps);
    }
    // On ECS (METRICS_EMF): the consumers' backlog each minute, for the stack's autoscaling.
    const emf =
      consumers.length && config.METRICS_EMF
        ? [
            {
              name: 'consumer-backlog-metric',
              everyMs: 60_000,
              run: async () =>
                void process.stdout.write(
                  consumerBacklogEmfLine(definition.name, metrics.largestConsumerBacklog()),
                ),
            },
          ]
        : [];
    jobs = startJobs([...definition.features.flatMap((f) => f.jobs?.(deps) ?? []), ...emf], logger);
  });

  // Intake first: HTTP stops taking requests while these run, NATS operations drain here.
  app.addHook('preClose', async () => {
    await Promise.all(operations.map((o) => o.stop()));
  });
  app.addHook('onClose', async () => {
    await Promise.all(consumers.map((c) => c.stop().catch(() => {})));
    await jobs?.stop();
    for (const stop of resources.reverse()) await stop();
    await outbox?.stop();
    await bus?.drain();
    await db?.close();
    await cache?.close();
  });
  return app;
}
