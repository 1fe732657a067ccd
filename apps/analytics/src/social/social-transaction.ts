import { erasureDigest, type Database, type Queryable } from '@nxg/platform';
import { lockMembers } from '../members/member-transaction.ts';

/**
 * Runs `work` holding the members' locks (in one order, so two such transactions never deadlock)
 * unless either was erased — by the members feature's erasure or the social one, whichever ran
 * first: then nothing is written and it resolves to undefined.
 */
export async function socialTransaction<T>(
  db: Database,
  members: string[],
  work: (tx: Queryable) => Promise<T>,
): Promise<T | undefined> {
  return db.transaction(async (tx) => {
    await lockMembers(tx, [...new Set(members)]);
    const erased = await tx.query(
      `SELECT 1 FROM erased_members WHERE user_digest = ANY($1::text[])
       UNION ALL SELECT 1 FROM social_erased WHERE user_digest = ANY($1::text[])`,
      [members.map(erasureDigest)],
    );
    return erased.length ? undefined : work(tx);
  });
}
