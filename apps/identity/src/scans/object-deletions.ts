import type { Database, ObjectStore, Queryable } from '@nxg/platform';
import type { Logger } from 'pino';

/**
 * Asks for a member's scan objects (uploads and avatars) to be removed, in the transaction that
 * erases the member: the keys outlive the rows, so storage is cleaned even if it is down right now.
 */
export async function requestScanObjectDeletions(tx: Queryable, userId: string): Promise<number> {
  const rows = await tx.query(
    `INSERT INTO object_deletions (key)
       SELECT k FROM scans, LATERAL unnest(ARRAY[source_key, avatar_key]) AS k
       WHERE user_id = $1 AND k IS NOT NULL
     ON CONFLICT (key) DO NOTHING RETURNING key`,
    [userId],
  );
  return rows.length;
}

/** Removes requested objects, a batch at a time; what storage refuses now is tried again later. */
export async function deleteRequestedObjects(
  db: Database,
  objects: ObjectStore,
  logger: Logger,
  batch = 100,
): Promise<number> {
  const due = await db.query<{ key: string }>(
    'SELECT key FROM object_deletions ORDER BY requested_at LIMIT $1',
    [batch],
  );
  let deleted = 0;
  for (const { key } of due) {
    try {
      await objects.delete(key);
      await db.query('DELETE FROM object_deletions WHERE key = $1', [key]);
      deleted++;
    } catch (error) {
      await db.query('UPDATE object_deletions SET attempts = attempts + 1 WHERE key = $1', [key]);
      logger.warn({ err: error }, 'an erased scan object could not be removed yet');
    }
  }
  return deleted;
}
