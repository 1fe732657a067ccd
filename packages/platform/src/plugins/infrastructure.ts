import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { connectBus, type Bus } from '../bus/connection.ts';
import { startOutboxRelay, type OutboxRelay } from '../bus/outbox.ts';
import { createCache, type Cache } from '../cache.ts';
import { openDatabase, type Database, type DatabaseOptions } from '../db/database.ts';
import { migrate, type MigrationSource } from '../db/migrate.ts';
import { registerHealthRoutes, type ReadinessCheck } from '../http/health.ts';
import { platformMigrations } from '../paths.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Database;
    bus: Bus;
    cache: Cache;
    outbox: OutboxRelay;
  }
}

/** The service's own database, migrated before anything else touches it. */
export const databasePlugin = fp<DatabaseOptions & { migrations: MigrationSource[] }>(
  async (app, options) => {
    const db = await openDatabase(options);
    const applied = await migrate(db, [platformMigrations, ...options.migrations]);
    if (applied.length) app.log.info({ applied }, 'migrations applied');
    app.decorate('db', db);
    app.addHook('onClose', () => db.close());
  },
  { name: 'db' },
);

export const busPlugin = fp<{ url: string; name: string }>(
  async (app, options) => {
    const bus = await connectBus({ ...options, logger: app.log as Logger });
    app.decorate('bus', bus);
    app.addHook('onClose', () => bus.drain());
  },
  { name: 'bus' },
);

export const cachePlugin = fp<{ url?: string | undefined; prefix: string }>(
  async (app, options) => {
    const cache = createCache(options);
    app.decorate('cache', cache);
    app.addHook('onClose', () => cache.close());
  },
  { name: 'cache' },
);

/** Relays this service's outbox to JetStream; `paused` holds events back (maintenance, tests). */
export const outboxPlugin = fp<{ paused?: boolean; intervalMs?: number }>(
  async (app, options) => {
    const relay = options.paused
      ? { kick() {}, flush: async () => 0, stop: async () => {} }
      : startOutboxRelay({
          db: app.db,
          nc: app.bus.nc,
          logger: app.log as Logger,
          intervalMs: options.intervalMs,
        });
    if (options.paused) app.log.warn('outbox relay paused: events stay in the outbox');
    app.decorate('outbox', relay);
    app.addHook('onClose', () => relay.stop());
  },
  { name: 'outbox', dependencies: ['db', 'bus'] },
);

/** Readiness follows whichever of NATS, database, cache and token verification this service has. */
export const healthPlugin = fp<{ checks?: Record<string, ReadinessCheck> }>(
  async (app, options) => {
    registerHealthRoutes(app, {
      ...options.checks,
      ...(app.hasDecorator('bus') ? { nats: () => app.bus.isConnected() } : {}),
      ...(app.hasDecorator('db') ? { database: () => app.db.ping() } : {}),
      ...(app.hasDecorator('cache') ? { cache: () => app.cache.ping() } : {}),
      ...(app.hasDecorator('auth')
        ? { signingKeys: () => app.auth.keys.loaded, revocations: () => app.auth.revocations.isReady }
        : {}),
    });
  },
  { name: 'health' },
);
