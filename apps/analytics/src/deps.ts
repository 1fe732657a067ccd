import type { NatsConnection } from '@nats-io/transport-node';
import type { Database } from '@nxg/platform';
import type { Logger } from 'pino';
import type { AnalyticsConfig } from './config.ts';

/** What analytics' features work with, assembled once by the service's context. */
export interface AnalyticsDeps {
  config: AnalyticsConfig;
  db: Database;
  nc: NatsConnection;
  logger: Logger;
}
