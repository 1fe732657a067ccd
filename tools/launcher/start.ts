/**
 * `pnpm start`: the whole platform on this machine. Uses NATS_URL, DATABASE_URL and REDIS_URL when
 * set; otherwise a local NATS (started from PATH under DATA_DIR if none answers), embedded PGlite
 * per service and in-process caches. Crashed services are restarted; Ctrl-C stops everything.
 */
import { randomBytes } from 'node:crypto';
import { serviceManifest } from '@nxg/contracts';
import { devAdmin, devAdminFile } from './dev-admin.ts';
import { ensureNats } from './nats.ts';
import { provisionWithRetry } from './provision-step.ts';
import { buildStaffWeb } from './staff-web-step.ts';
import { Supervisor } from './supervisor.ts';

const env = process.env;
const dataDir = env.DATA_DIR ?? '.data';
const nats = await ensureNats(env.NATS_URL ?? 'nats://127.0.0.1:4222', dataDir);
await provisionWithRetry(nats.url, env, { say: (line) => console.log(`launcher  | ${line}`) });
await buildStaffWeb((line) => console.log(`launcher  | ${line}`));

const localAdmin = !env.PLATFORM_ADMIN_EMAIL && env.NODE_ENV !== 'production' ? devAdmin(dataDir) : undefined;
const supervisor = new Supervisor({
  ...env,
  ...(localAdmin
    ? { PLATFORM_ADMIN_EMAIL: localAdmin.email, PLATFORM_ADMIN_PASSWORD: localAdmin.password }
    : {}),
  NATS_URL: nats.url,
  DATA_DIR: dataDir,
  // One bus key for the services of this run (they sign NATS messages with keys derived from it).
  SERVICE_KEY: env.SERVICE_KEY || randomBytes(32).toString('base64'),
  LOG_PRETTY: process.stdout.isTTY ? 'true' : 'false',
});
const stop = async () => {
  await supervisor.stopAll();
  await nats.stop();
  process.exit(0);
};
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

try {
  // Manifest order: each waits for the previous one to be ready.
  for (const service of serviceManifest) {
    await supervisor.start(service.name, service.main, Number(env[service.portVariable] ?? service.port));
  }
} catch (error) {
  console.error(`\n${(error as Error).message}`);
  await supervisor.stopAll();
  await nats.stop();
  process.exit(1);
}

const gateway = `http://localhost:${env.GATEWAY_PORT ?? 8080}`;
const redisHost = env.REDIS_URL ? new URL(env.REDIS_URL).host : undefined;
const pgHost = env.DATABASE_URL ? new URL(env.DATABASE_URL).host : undefined;
console.log(`
NXG Connect is running
  API        ${gateway}/v1
  API docs   ${gateway}/docs   (OpenAPI: ${gateway}/openapi.json)
  live feed  ${gateway.replace('http', 'ws')}/v1/live
  staff      ${gateway}/staff   (the branch staff dashboard)
  machines   ws://localhost:${env.MACHINE_HUB_PORT ?? 8081}/v1/machines/connect   (simulator: pnpm sim)
  NATS       ${nats.url}${nats.started ? ' (started here, data under ' + dataDir + '/nats)' : ''}
  databases  ${pgHost ? `PostgreSQL at ${pgHost}, one database per service` : `embedded PGlite under ${dataDir}/<service>`}
  cache      ${redisHost ? `Redis at ${redisHost}` : 'in-process (single node)'}
  admin      ${localAdmin ? `${localAdmin.email} (password in ${devAdminFile(dataDir)})` : env.PLATFORM_ADMIN_EMAIL}
Press Ctrl-C to stop.
`);
