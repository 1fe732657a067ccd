import { erasureDigest, type Queryable } from '@nxg/platform';

/** Whether identity erased this member: then nothing about them is stored again. */
export async function isErased(db: Queryable, userId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM erased_members WHERE user_digest = $1', [erasureDigest(userId)]);
  return rows.length > 0;
}

/** Whether any of these members was erased. */
export async function anyErased(db: Queryable, userIds: string[]): Promise<boolean> {
  if (!userIds.length) return false;
  const rows = await db.query('SELECT 1 FROM erased_members WHERE user_digest = ANY($1::text[]) LIMIT 1', [
    userIds.map(erasureDigest),
  ]);
  return rows.length > 0;
}

export async function markErased(db: Queryable, userId: string): Promise<void> {
  await db.query('INSERT INTO erased_members (user_digest) VALUES ($1) ON CONFLICT DO NOTHING', [
    erasureDigest(userId),
  ]);
}
