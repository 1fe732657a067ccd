import { fileURLToPath } from 'node:url';
import {
  busPlugin,
  createHttpServer,
  databasePlugin,
  healthPlugin,
  operationsPlugin,
  outboxPlugin,
  type ConsumerRunner,
  type HttpServerOptions,
} from '@nxg/platform';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { WorkoutConfig } from './config.ts';
import type { WorkoutDeps } from './deps.ts';
import { startIdentityConsumers } from './events/identity-consumers.ts';
import { startMachineConsumers } from './events/machine-consumers.ts';
import { exerciseBindings } from './exercises/exercise-handlers.ts';
import { logBindings } from './logs/log-handlers.ts';
import { planBindings } from './plans/plan-handlers.ts';
import { startSessionExpiryJob } from './sessions/session-expiry-job.ts';
import { sessionBindings } from './sessions/session-handlers.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/**
 * Assembles workout: infrastructure (database, NATS, outbox), then its operations, its event
 * consumers and the session-expiry job. Only main.ts listens.
 */
export function buildService(config: WorkoutConfig, logger: HttpServerOptions['logger']): FastifyInstance {
  const app = createHttpServer({ logger });
  void app.register(databasePlugin, {
    service: 'workout',
    url: config.DATABASE_URL,
    name: config.DATABASE_NAME,
    dataDir: config.DATA_DIR,
    migrations: [{ scope: 'workout', dir: migrationsDir }],
  });
  void app.register(busPlugin, { url: config.NATS_URL, name: 'workout' });
  void app.register(outboxPlugin, { paused: config.OUTBOX_RELAY_PAUSED });
  void app.register(healthPlugin);

  void app.register(async (feature) => {
    const deps: WorkoutDeps = {
      config,
      db: feature.db,
      nc: feature.bus.nc,
      outbox: feature.outbox,
      logger: feature.log as Logger,
    };
    await feature.register(operationsPlugin, {
      bindings: [
        ...sessionBindings(deps),
        ...logBindings(deps),
        ...exerciseBindings(deps),
        ...planBindings(deps, undefined),
      ],
    });
    const consumers: ConsumerRunner[] = [
      ...(await startMachineConsumers(deps)),
      ...(await startIdentityConsumers(deps)),
    ];
    const job = startSessionExpiryJob(deps);
    feature.addHook('preClose', async () => {
      job.stop();
      await Promise.all(consumers.map((c) => c.stop()));
    });
  });
  return app;
}
