import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import {
  authPlugin,
  busPlugin,
  cachePlugin,
  createHttpServer,
  databasePlugin,
  healthPlugin,
  operationsPlugin,
  outboxPlugin,
  type HttpServerOptions,
} from '@nxg/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { HubConfig } from './config.ts';
import type { HubDeps } from './deps.ts';
import { startOfflineSweeper } from './jobs/offline-sweeper.ts';
import { linkBindings } from './linking/link-handlers.ts';
import { loadQrKey, QrTokens } from './linking/qr-tokens.ts';
import { LivePublisher } from './live/live-publisher.ts';
import { registryBindings } from './registry/registry-handlers.ts';
import { ConnectionRegistry } from './socket/connection-registry.ts';
import { machineSocketPlugin } from './socket/machine-socket-plugin.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Assembles machine-hub: infrastructure (database, NATS, cache, outbox), then the registry and
 * linking operations on NATS, the machines' WebSocket and the offline sweeper. Only main.ts listens.
 */
export function buildService(config: HubConfig, logger: HttpServerOptions['logger']): FastifyInstance {
  const app = createHttpServer({ logger });
  void app.register(databasePlugin, {
    service: 'machine-hub',
    url: config.DATABASE_URL,
    name: config.DATABASE_NAME,
    dataDir: config.DATA_DIR,
    migrations: [{ scope: 'machine-hub', dir: migrationsDir }],
  });
  void app.register(busPlugin, { url: config.NATS_URL, name: 'machine-hub' });
  void app.register(cachePlugin, { url: config.REDIS_URL, prefix: `${config.REDIS_PREFIX}machine-hub:` });
  void app.register(outboxPlugin, { paused: config.OUTBOX_RELAY_PAUSED });
  void app.register(authPlugin, { issuer: config.JWT_ISSUER, audience: config.JWT_AUDIENCE });
  void app.register(healthPlugin);

  void app.register(async (feature) => {
    const log = feature.log as Logger;
    const instanceId = config.HUB_INSTANCE_ID ?? `${hostname()}:${process.pid}`;
    const deps: HubDeps = {
      config,
      db: feature.db,
      nc: feature.bus.nc,
      cache: feature.cache,
      outbox: feature.outbox,
      qr: new QrTokens(await loadQrKey(feature.db), config.QR_TOKEN_TTL_S),
      live: new LivePublisher(feature.bus.nc),
      logger: log,
      instanceId,
      staleAfterMs: config.HEARTBEAT_INTERVAL_S * 2000 + 2000,
    };
    const registry = new ConnectionRegistry(deps);
    const sweeper = startOfflineSweeper(deps);
    feature.addHook('preClose', async () => {
      sweeper.stop();
      await registry.closeAll();
    });
    await feature.register(operationsPlugin, {
      bindings: [...registryBindings(deps), ...linkBindings(deps)],
    });
    await feature.register(machineSocketPlugin, {
      deps,
      registry,
      verifier: feature.auth.verifier,
    });
  });
  return app;
}
