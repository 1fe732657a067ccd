import type { Queryable } from '@nxg/platform';

/**
 * The keys of a notification's `data` that hold another member's id (who followed, whom the
 * member follows, who gave kudos). A notice naming an erased member is not made, and a member's
 * erasure takes the notices naming them out of the others' inboxes.
 */
const NAMING_KEYS = ['followerId', 'followeeId', 'fromUserId'] as const;

/** The members other than its recipient that a notice names. */
export function membersNamed(notice: { userId: string; data: Record<string, string> }): string[] {
  return NAMING_KEYS.map((key) => notice.data[key]).filter(
    (id): id is string => id !== undefined && id !== notice.userId,
  );
}

/** Deletes the notices in others' inboxes that name the member (their deliveries go with them). */
export async function dropNoticesNaming(tx: Queryable, userId: string): Promise<void> {
  await tx.query(
    `DELETE FROM notifications n WHERE n.user_id::text <> $1
       AND EXISTS (SELECT 1 FROM unnest($2::text[]) AS k WHERE n.data->>k = $1)`,
    [userId, NAMING_KEYS],
  );
}
