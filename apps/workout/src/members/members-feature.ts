import { identityEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';

/** Every table that holds a member's data: an erased account takes all of it. */
const MEMBER_TABLES = ['workout_logs', 'gym_sessions', 'workout_plans', 'member_profiles'];

/**
 * Members as workout knows them: identity's non-health profile, copied for planning (newest event
 * wins), and erasure of everything workout holds about an account identity deleted.
 */
export const membersFeature = defineFeature<WorkoutDeps>({
  name: 'members',
  consumers: ({ db }) => [
    consume('workout_user_registered', identityEvents.userRegistered, async ({ data, time }) => {
      // The name from registration, so staff see it before any profile change; a newer update wins.
      await db.query(
        `INSERT INTO member_profiles (user_id, name, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET name = EXCLUDED.name, updated_at = EXCLUDED.updated_at
         WHERE member_profiles.updated_at < EXCLUDED.updated_at`,
        [data.userId, data.name, time],
      );
    }),
    consume('workout_user_updated', identityEvents.userUpdated, async ({ data, time }) => {
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
    }),
    consume('workout_user_deleted', identityEvents.userDeleted, async ({ data }) => {
      await db.transaction(async (tx) => {
        for (const table of MEMBER_TABLES) {
          await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [data.userId]);
        }
      });
    }),
  ],
});
