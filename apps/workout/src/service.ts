import { fileURLToPath } from 'node:url';
import { apiKeyHeader, createExternalClient, createMemberQuota } from '@nxg/external';
import { defineService } from '@nxg/platform';
import { WorkoutConfigSchema } from './config.ts';
import { exercisesFeature } from './exercises/exercises-feature.ts';
import { lazyExerciseLibrary } from './exercises/exercise-library.ts';
import { logsFeature } from './logs/logs-feature.ts';
import { membersFeature } from './members/members-feature.ts';
import { createAiPlanner } from './plans/ai-planner.ts';
import { plansFeature } from './plans/plans-feature.ts';
import { sessionsFeature } from './sessions/sessions-feature.ts';

/** Workout: plans (AI or rules), the exercise library, gym sessions and workout logs. */
export default defineService({
  name: 'workout',
  config: WorkoutConfigSchema,
  port: 'WORKOUT_PORT',
  migrations: fileURLToPath(new URL('../migrations', import.meta.url)),
  context(kit) {
    const { config } = kit;
    const library = lazyExerciseLibrary();
    // Built now (tens of milliseconds), not by the first request: a missing dataset stops start-up.
    library();
    // The workout planning service through the external-service kit (timeouts, retries, breaker, quota, cache).
    const planning = config.WORKOUT_AI_URL
      ? createExternalClient({
          name: 'workout-planning',
          baseUrl: config.WORKOUT_AI_URL,
          kind: 'ai',
          timeoutMs: config.WORKOUT_AI_TIMEOUT_MS,
          auth: apiKeyHeader(config.WORKOUT_AI_API_KEY_HEADER, config.WORKOUT_AI_API_KEY ?? ''),
          quota: { limit: config.WORKOUT_AI_QUOTA_PER_HOUR, windowS: 3600 },
          cache: kit.cache,
          logger: kit.logger,
        })
      : undefined;
    if (planning) kit.onStop(() => planning.close());
    return {
      config,
      db: kit.db,
      nc: kit.nc,
      logger: kit.logger,
      library,
      planner: planning
        ? createAiPlanner(
            planning,
            library,
            // One member's varied requests cannot spend the quota every member shares (finding 6).
            createMemberQuota({
              cache: kit.cache,
              name: 'workout-plans',
              limit: config.PLAN_GENERATIONS_PER_MEMBER_PER_DAY,
              windowS: 86_400,
              what: 'AI plan generations of the day',
            }),
          )
        : undefined,
    };
  },
  features: [sessionsFeature, logsFeature, exercisesFeature, plansFeature, membersFeature],
});
