import { erasureDigest, type Database, type Queryable } from '@nxg/platform';
import { isReplaying } from '../rebuild/replaying.ts';

/**
 * The first key of analytics' per-member advisory locks (the second is a hash of the user id).
 * Erasures and single events take a member's lock exclusively; batch consumers take it shared
 * (their batches run side by side), and those whose rules read what the member's earlier events
 * left also take the member's lock in a space of their own, exclusively, so their replicas take
 * turns on a member.
 */
export const MEMBER_LOCK_SPACE = 8084;
export const LOGGED_SETS_LOCK_SPACE = 8085;

export interface MemberLocking {
  /** The member's lock shared (a batch consumer's): only erasures and single events wait for it. */
  shared?: boolean;
  /** A lock space of the consumer's own, taken exclusively per member as well. */
  ownSpace?: number;
}

/**
 * Takes the members' locks, in one order (by key) whatever the transaction, so two never wait on
 * each other in a circle. Sent without waiting: PostgreSQL runs (and snapshots) the statement
 * after it only once the locks are held.
 */
export async function lockMembers(
  tx: Queryable,
  members: readonly string[],
  { shared = false, ownSpace }: MemberLocking = {},
): Promise<void> {
  if (isReplaying()) return; // see whileReplaying
  const member = shared ? 'pg_advisory_xact_lock_shared' : 'pg_advisory_xact_lock';
  const own = ownSpace ? `, pg_advisory_xact_lock(${ownSpace}, key)` : '';
  await tx.send(
    `SELECT ${member}(${MEMBER_LOCK_SPACE}, key)${own}
     FROM (SELECT DISTINCT hashtext(member) AS key FROM unnest($1::text[]) AS member ORDER BY 1) AS keys`,
    [members],
  );
}

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
  return membersTransaction(db, [userId], (tx) => work(tx));
}

/** The member's time zone now (the newest identity announced; UTC until one is known). */
export async function memberTimeZone(tx: Queryable, userId: string): Promise<string> {
  const [row] = await tx.query<{ zone: string }>('SELECT member_zone_at($1, now()) AS zone', [userId]);
  return row?.zone ?? 'UTC';
}

/**
 * `memberTransaction` for a batch of events about several members: one transaction holding every
 * member's lock (shared, for a batch consumer: see MEMBER_LOCK_SPACE), `work` given the members
 * identity has not erased. Resolves to undefined when every one was erased.
 */
export async function membersTransaction<T>(
  db: Database,
  userIds: readonly string[],
  work: (tx: Queryable, kept: ReadonlySet<string>) => Promise<T>,
  locking: MemberLocking = {},
): Promise<T | undefined> {
  const members = [...new Set(userIds)];
  const digests = new Map(members.map((id) => [erasureDigest(id), id]));
  return db.transaction(async (tx) => {
    await lockMembers(tx, members, locking); // travels with the check below: one round trip

    const erased = await tx.query<{ user_digest: string }>(
      'SELECT user_digest FROM erased_members WHERE user_digest = ANY($1::text[])',
      [[...digests.keys()]],
    );
    for (const { user_digest } of erased) digests.delete(user_digest);
    if (digests.size === 0) return undefined;
    return work(tx, new Set(digests.values()));
  });
}
