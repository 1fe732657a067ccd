import { identityEvents } from '@nxg/contracts';
import { consume, defineFeature, erasureDigest, type Queryable } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { MEMBER_TABLES } from '../read-model-tables.ts';
import { byMember } from './member-order.ts';
import { memberTransaction } from './member-transaction.ts';
import { isKnownZone, saveTimeZone } from './member-time-zones.ts';

// The newest name wins, whatever order the events arrive in (zones are kept in member_time_zones).
const SAVE_NAME = `INSERT INTO members (user_id, display_name, updated_at) VALUES ($1, $2, $3)
  ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, updated_at = EXCLUDED.updated_at
  WHERE members.updated_at <= EXCLUDED.updated_at`;

/** Saves the name, and the zone when the event names one (events from before members had zones do not). */
async function saveMember(tx: Queryable, userId: string, name: string, zone: string | undefined, at: string) {
  await tx.query(SAVE_NAME, [userId, name, at]);
  if (zone && (await isKnownZone(tx, zone))) await saveTimeZone(tx, userId, zone, at);
}

/**
 * Members as analytics knows them: the name leaderboards show, the time zones their days are
 * counted in (each from when identity announced it), and erasure of everything analytics holds
 * about an account.
 */
export const membersFeature = defineFeature<AnalyticsDeps>({
  name: 'members',
  consumers: ({ db }) => [
    consume(
      'analytics_user_registered',
      identityEvents.userRegistered,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) =>
          saveMember(tx, data.userId, data.name, data.timezone, data.registeredAt),
        );
      },
      byMember,
    ),
    consume(
      'analytics_user_updated',
      identityEvents.userUpdated,
      async ({ data, time }) => {
        await memberTransaction(db, data.userId, (tx) =>
          saveMember(tx, data.userId, data.name, data.timezone, time),
        );
      },
      byMember,
    ),
    consume(
      'analytics_user_deleted',
      identityEvents.userDeleted,
      async ({ data }) => {
        await memberTransaction(db, data.userId, async (tx) => {
          for (const table of MEMBER_TABLES) {
            await tx.query(`DELETE FROM ${table} WHERE user_id = $1`, [data.userId]);
          }
          await tx.query(
            'INSERT INTO erased_members (user_digest, erased_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
            [erasureDigest(data.userId), data.deletedAt],
          );
        });
      },
      byMember,
    ),
  ],
});
