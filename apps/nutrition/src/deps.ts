import type { NatsConnection } from '@nats-io/transport-node';
import type { Cache, Database } from '@nxg/platform';
import type { FoodIndex } from '@nxg/reference-data';
import type { Logger } from 'pino';
import type { NutritionConfig } from './config.ts';
import type { PhotoDeps } from './photos/photo-context.ts';
import type { PlanningService } from './plans/planning-service.ts';

/** What nutrition's features work with, assembled once by the service's context. */
export interface NutritionDeps {
  config: NutritionConfig;
  db: Database;
  nc: NatsConnection;
  cache: Cache;
  logger: Logger;
  /** The reference foods (USDA SR28) and their search index, built once at start. */
  foods: FoodIndex;
  /** Meal photos: their store, the detection service and the photo meals built on them. */
  photos: PhotoDeps;
  /** The nutrition planning service, when one is configured. */
  planning: PlanningService | undefined;
}
