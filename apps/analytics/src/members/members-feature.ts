import { identityEvents } from '@nxg/contracts';
import { consume, defineFeature } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { erasedDigest, memberTransaction } from './member-transaction.ts';

/** Every table that holds a member's data: an erased account takes all of it, leaderboards included. */
const MEMBER_TABLES = [
  'members',
  'sessions',
  'sets',
  'machine_links',
  'member_plans',
  'personal_records',
  'active_days',
  'points_ledger',
  'achievements',
];

const SAVE_NAME = `INSERT INTO members (user_id, display_name, updated_at) VALUES ($1, $2, $3)
  ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = EXCLUDED.updated_at
  WHERE members.updated_at <= EXCLUDED.updated_at`;

/**
 * Members as analytics knows them: the name leaderboards show (newest event wins, whatever the
 * order they arrive in), and erasure of everything analytics holds about an account.
 */
export const membersFeature = defineFeature<AnalyticsDeps>({
  name: 'members',
  consumers: ({ db }) => [
    consume('analytics_user_registered', identityEvents.userRegistered, async ({ data }) => {
      await memberTransaction(db, data.userId, (tx) =>
        tx.query(SAVE_NAME, [data.userId, data.name, data.registeredAt]),
      );
    }),
    consume('analytics_user_updated', identityEvents.userUpdated, async ({ data, time }) => {
      await memberTransaction(db, data.userId, (tx) => tx.query(SAVE_NAME, [data.userId, data.name, time]));
    }),
    consume('analytics_user_deleted', identityEvents.userDeleted, async ({ data }) => {
      await memberTransaction(db, data.userId, async (tx) => {
        for (const table of MEMBER_TABLES) {
          await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [data.userId]);
        }
        await tx.query(
          'INSERT INTO erased_members (user_digest, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
          [erasedDigest(data.userId), data.deletedAt],
        );
      });
    }),
  ],
});
