import type { Database, OutboxRelay } from '@nxg/platform';
import type { NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import type { WorkoutConfig } from './config.ts';

/** What workout's features work with, assembled once in service.ts. */
export interface WorkoutDeps {
  config: WorkoutConfig;
  db: Database;
  nc: NatsConnection;
  outbox: OutboxRelay;
  logger: Logger;
}
