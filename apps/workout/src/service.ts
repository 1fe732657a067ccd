import { fileURLToPath } from 'node:url';
import type { Exercise } from '@nxg/contracts';
import { apiKeyHeader, createExternalClient, type ExternalClient } from '@nxg/external';
import {
  busPlugin,
  cachePlugin,
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
import { allExercises } from './exercises/exercise-store.ts';
import { logBindings } from './logs/log-handlers.ts';
import { createAiPlanner } from './plans/ai-planner.ts';
import { planBindings } from './plans/plan-handlers.ts';
import { startSessionExpiryJob } from './sessions/session-expiry-job.ts';
import { sessionBindings } from './sessions/session-handlers.ts';

const migrationsDir = fileURLToPath(new URL('../migrations', import.meta.url));

/** The workout planning service through the external-service kit (timeouts, retries, breaker, quota, cache). */
function planningClient(config: WorkoutConfig, app: FastifyInstance): ExternalClient {
  return createExternalClient({
    name: 'workout-planning',
    baseUrl: config.WORKOUT_AI_URL!,
    kind: 'ai',
    timeoutMs: config.WORKOUT_AI_TIMEOUT_MS,
    auth: apiKeyHeader(config.WORKOUT_AI_API_KEY_HEADER, config.WORKOUT_AI_API_KEY ?? ''),
    quota: { limit: config.WORKOUT_AI_QUOTA_PER_HOUR, windowS: 3600 },
    cache: app.cache,
    logger: app.log as Logger,
  });
}

/**
 * Assembles workout: infrastructure (database, NATS, cache, outbox), then its operations (with the
 * planning service when one is configured), its event consumers and the session-expiry job.
 * Only main.ts listens.
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
  void app.register(cachePlugin, { url: config.REDIS_URL, prefix: `${config.REDIS_PREFIX}workout:` });
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
    let library: Promise<Exercise[]> | undefined;
    const exercises = () => (library ??= allExercises(feature.db));
    const planning = config.WORKOUT_AI_URL ? planningClient(config, feature) : undefined;
    if (planning) feature.addHook('onClose', () => planning.close());
    await feature.register(operationsPlugin, {
      bindings: [
        ...sessionBindings(deps),
        ...logBindings(deps),
        ...exerciseBindings(deps),
        ...planBindings(deps, exercises, planning ? createAiPlanner(planning, exercises) : undefined),
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
