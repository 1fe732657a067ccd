/**
 * `pnpm analytics:rebuild [--allow-partial]`: rebuilds every read model from the streams into fresh
 * tables and switches over, while analytics keeps running (on a PostgreSQL server). Run with
 * analytics' environment (DATABASE_URL, NATS_URL, SERVICE_KEY, NATS_PREFIX). With the embedded
 * PGlite database (no DATABASE_URL), stop analytics first: PGlite is one process's database.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  BusIdentity,
  connectBus,
  createLogger,
  loadServiceConfig,
  migrate,
  openDatabase,
  platformMigrations,
  serviceKeyFrom,
} from '@nxg/platform';
import service from '../service.ts';
import { rebuildReadModels } from './rebuild.ts';

const { values } = parseArgs({ options: { 'allow-partial': { type: 'boolean', default: false } } });
const config = loadServiceConfig(service);
const logger = createLogger('analytics-rebuild', config.LOG_LEVEL);
const db = await openDatabase({
  service: 'analytics',
  url: config.DATABASE_URL,
  name: config.DATABASE_NAME,
  dataDir: config.DATA_DIR,
});
const bus = await connectBus({
  url: config.NATS_URL,
  name: 'analytics-rebuild',
  logger,
  prefix: config.NATS_PREFIX,
  identity: new BusIdentity(serviceKeyFrom(config), 'analytics'),
});
try {
  await migrate(db, [
    platformMigrations,
    { scope: 'analytics', dir: fileURLToPath(new URL('../../migrations', import.meta.url)) },
  ]);
  const report = await rebuildReadModels({
    db,
    nc: bus.nc,
    logger,
    config,
    allowPartial: values['allow-partial'],
  });
  console.log(
    `Rebuilt analytics' read models from ${report.events} events (${report.caughtUp} during the switch) ` +
      `in ${report.seconds} s: ${report.eventsPerSecond} events/s (prepare ${report.phases.prepareS} s, ` +
      `replay ${report.phases.replayS} s, switch ${report.phases.switchS} s).`,
  );
} catch (error) {
  console.error(`Rebuild failed, the live read models are unchanged: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await bus.drain();
  await db.close();
}
