import { consumerNamed, identityEvents } from '@nxg/contracts';
import { runConsumer, type ConsumerRunner } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';

/**
 * Identity's events: the member's non-health profile is copied for planning (newest event wins),
 * and an erased account takes everything workout holds about it.
 */
export async function startIdentityConsumers(deps: WorkoutDeps): Promise<ConsumerRunner[]> {
  const { db, nc, logger } = deps;
  const updated = await runConsumer(nc, {
    consumer: consumerNamed('workout_user_updated'),
    event: identityEvents.userUpdated,
    logger,
    handle: async ({ data, time }) => {
      await db.query(
        `INSERT INTO member_profiles (user_id, name, level, goal, demographics, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (user_id) DO UPDATE SET name = EXCLUDED.name, level = EXCLUDED.level, goal = EXCLUDED.goal,
           demographics = EXCLUDED.demographics, updated_at = EXCLUDED.updated_at
         WHERE member_profiles.updated_at <= EXCLUDED.updated_at`,
        [
          data.userId,
          data.name,
          data.fitnessProfile.level ?? null,
          data.fitnessProfile.goal ?? null,
          JSON.stringify(data.demographics),
          time,
        ],
      );
    },
  });
  const deleted = await runConsumer(nc, {
    consumer: consumerNamed('workout_user_deleted'),
    event: identityEvents.userDeleted,
    logger,
    handle: async ({ data }) => {
      await db.transaction(async (tx) => {
        for (const table of ['workout_logs', 'gym_sessions', 'workout_plans', 'member_profiles']) {
          await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [data.userId]);
        }
      });
    },
  });
  return [updated, deleted];
}
