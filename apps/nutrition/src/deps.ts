import type { NatsConnection } from '@nats-io/transport-node';
import type { Cache, Database, OutboxRelay } from '@nxg/platform';
import type { FoodIndex } from '@nxg/reference-data';
import type { Logger } from 'pino';
import type { NutritionConfig } from './config.ts';
import type { PlanningService } from './plans/planning-service.ts';

/** What nutrition's features work with, assembled once by the service's context. */
export interface NutritionDeps {
  config: NutritionConfig;
  db: Database;
  nc: NatsConnection;
  outbox: OutboxRelay;
  cache: Cache;
  logger: Logger;
  /** The reference foods (USDA SR28) and their search index, built once at start. */
  foods: FoodIndex;
  /** The nutrition planning service, when one is configured. */
  planning: PlanningService | undefined;
}
