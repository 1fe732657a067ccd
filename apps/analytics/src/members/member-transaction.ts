import { erasureDigest, type Database, type Queryable } from '@nxg/platform';

/** The first key of analytics' per-member advisory locks (the second is a hash of the user id). */
const MEMBER_LOCK_SPACE = 8084;

/**
 * Runs `work` in a transaction that holds the member's lock, unless identity erased the member:
 * then nothing is written and it resolves to undefined. The lock makes an erasure and an event
 * about the same member take turns (no row written after the erasure), and serialises the rules
 * that read what earlier events of the member left (days, streaks, records) across replicas.
 */
export async function memberTransaction<T>(
  db: Database,
  userId: string,
  work: (tx: Queryable) => Promise<T>,
): Promise<T | undefined> {
  return db.transaction(async (tx) => {
    // Sent without waiting: it travels with the check below, which PostgreSQL runs (and snapshots)
    // only once the lock is held. One round trip for both.
    await tx.send('SELECT pg_advisory_xact_lock($1, hashtext($2))', [MEMBER_LOCK_SPACE, userId]);
    const erased = await tx.query('SELECT 1 FROM erased_members WHERE user_digest = $1', [
      erasureDigest(userId),
    ]);
    if (erased.length) return undefined;
    return work(tx);
  });
}

/** The member's time zone now (the newest identity announced; UTC until one is known). */
export async function memberTimeZone(tx: Queryable, userId: string): Promise<string> {
  const [row] = await tx.query<{ zone: string }>('SELECT member_zone_at($1, now()) AS zone', [userId]);
  return row?.zone ?? 'UTC';
}
