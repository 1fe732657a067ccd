import type { FeedItem, FeedItemKind } from '@nxg/contracts';
import { decodeCursor, toPage, type Queryable, uuidv7 } from '@nxg/platform';
import { visibleTo } from './social-graph-store.ts';

export interface NewFeedItem {
  /** What happened, once: a redelivered event finds its key taken and adds nothing. */
  sourceKey: string;
  userId: string;
  kind: FeedItemKind;
  title: string;
  details: FeedItem['details'];
  occurredAt: string;
}

/** Adds an item unless one exists for its source; answers the new item's id (undefined: already there). */
export async function addFeedItem(tx: Queryable, item: NewFeedItem): Promise<string | undefined> {
  const [row] = await tx.query<{ id: string }>(
    `INSERT INTO feed_items (id, source_key, user_id, kind, title, details, occurred_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (source_key) DO NOTHING RETURNING id`,
    [
      uuidv7(),
      item.sourceKey,
      item.userId,
      item.kind,
      item.title,
      JSON.stringify(item.details),
      item.occurredAt,
    ],
  );
  return row?.id;
}

interface ItemRow {
  id: string;
  kind: FeedItemKind;
  user_id: string;
  display_name: string | null;
  occurred_at: Date;
  title: string;
  details: FeedItem['details'];
  kudos: number;
  kudos_given: boolean;
  [key: string]: unknown;
}

const ITEM_COLUMNS = `f.id, f.kind, f.user_id, m.display_name, f.occurred_at, f.title, f.details,
  (SELECT count(*)::int FROM feed_kudos k WHERE k.item_id = f.id) AS kudos,
  EXISTS (SELECT 1 FROM feed_kudos k WHERE k.item_id = f.id AND k.user_id = $1) AS kudos_given`;

const toItem = (r: ItemRow): FeedItem => ({
  id: r.id,
  kind: r.kind,
  userId: r.user_id,
  displayName: r.display_name || 'Member',
  at: new Date(r.occurred_at).toISOString(),
  title: r.title,
  details: r.details,
  kudos: r.kudos,
  kudosGiven: r.kudos_given,
});

/**
 * The viewer's feed, newest first: their own items and those of members they follow, each shown
 * only if its owner's privacy allows it now and no block stands between them.
 */
export async function feedPage(
  db: Queryable,
  viewer: string,
  limit: number,
  cursor?: string,
): Promise<{ items: FeedItem[]; nextCursor: string | null }> {
  const [at, id] = cursor ? decodeCursor(cursor, 2) : [null, null];
  const rows = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM feed_items f LEFT JOIN members m ON m.user_id = f.user_id
     WHERE f.user_id IN (SELECT followee_id FROM social_follows WHERE follower_id = $1 AND status = 'accepted'
                         UNION ALL SELECT $1::text)
       AND ${visibleTo('f.user_id', '$1')}
       AND ($2::timestamptz IS NULL OR (f.occurred_at, f.id) < ($2::timestamptz, $3::text))
     ORDER BY f.occurred_at DESC, f.id DESC LIMIT $4`,
    [viewer, at, id, limit + 1],
  );
  return toPage(rows.map(toItem), limit, (last) => [last.at, last.id]);
}

/** One item as the viewer sees it, or undefined when it does not exist or is hidden from them. */
export async function visibleItem(
  db: Queryable,
  viewer: string,
  itemId: string,
): Promise<FeedItem | undefined> {
  const [row] = await db.query<ItemRow>(
    `SELECT ${ITEM_COLUMNS} FROM feed_items f LEFT JOIN members m ON m.user_id = f.user_id
     WHERE f.id = $2 AND ${visibleTo('f.user_id', '$1')}`,
    [viewer, itemId],
  );
  return row && toItem(row);
}

/** Who sees a new item of `ownerId` live: the owner and the followers their settings let see it now. */
export async function liveAudience(db: Queryable, ownerId: string): Promise<string[]> {
  const rows = await db.query<{ user_id: string }>(
    `SELECT follower_id AS user_id FROM social_follows
     WHERE followee_id = $1 AND status = 'accepted' AND ${visibleTo('$1', 'follower_id')}`,
    [ownerId],
  );
  return [ownerId, ...rows.map((r) => r.user_id)];
}
