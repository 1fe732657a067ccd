// What services, tools, @nxg/testing and @nxg/external use; everything else stays internal
// (platform's own tests import it by relative path). Add a name here when a user needs it.
export { BaseConfig, loadConfig } from './config.ts';
export { AppError, forbidden, toProblem } from './errors.ts';
export { describeErrors, validatorFor } from './validation.ts';
export { createCache, type Cache } from './cache.ts';
export { runService } from './runtime.ts';
export { openDatabase, type Database, type Queryable } from './db/database.ts';
export { migrate } from './db/migrate.ts';
export { currentTraceparent } from './bus/trace.ts';
export { bind, callOperation, type Binding } from './bus/rpc.ts';
export { provisionMessaging } from './bus/streams.ts';
export { runConsumer, type ConsumerRunner } from './bus/consumer.ts';
export { enqueueEvent, type OutboxRelay } from './bus/outbox.ts';
export { createHttpServer, type HttpServerOptions } from './http/server.ts';
export { platformMigrations } from './paths.ts';
export {
  busPlugin,
  cachePlugin,
  databasePlugin,
  healthPlugin,
  outboxPlugin,
} from './plugins/infrastructure.ts';
export { operationsPlugin } from './plugins/operations.ts';
export { decodeCursor, toPage } from './cursor.ts';
export type { RevocationWatch } from './auth/revocation-watch.ts';
export type { Caller, TokenVerifier } from './auth/token-verifier.ts';
export { authPlugin } from './auth/auth-plugin.ts';
export { requireUser } from './context.ts';
