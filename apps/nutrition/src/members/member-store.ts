import { erasureDigest, type Queryable } from '@nxg/platform';

/** What nutrition keeps of a member (identity's events): enough for targets, plans and local days. */
export interface Member {
  userId: string;
  timezone: string;
  demographics: {
    age?: number;
    heightCm?: number;
    weightKg?: number;
    gender?: 'female' | 'male' | 'other';
    activityLevel?: 'sedentary' | 'light' | 'moderate' | 'active' | 'very_active';
  };
  goal: string | null;
  allergies: string[];
}

interface MemberRow {
  user_id: string;
  timezone: string;
  demographics: Member['demographics'];
  goal: string | null;
  allergies: string[];
  [key: string]: unknown;
}

/** A member nutrition has heard nothing about yet: UTC, no figures, no allergies. */
export const unknownMember = (userId: string): Member => ({
  userId,
  timezone: 'UTC',
  demographics: {},
  goal: null,
  allergies: [],
});

export async function findMember(db: Queryable, userId: string): Promise<Member> {
  const [row] = await db.query<MemberRow>(
    'SELECT user_id, timezone, demographics, goal, allergies FROM members WHERE user_id = $1',
    [userId],
  );
  if (!row) return unknownMember(userId);
  return {
    userId: row.user_id,
    timezone: row.timezone,
    demographics: row.demographics,
    goal: row.goal,
    allergies: row.allergies,
  };
}

/** The member's time zone (UTC until identity has told us one). */
export async function memberTimezone(db: Queryable, userId: string): Promise<string> {
  const [row] = await db.query<{ timezone: string }>('SELECT timezone FROM members WHERE user_id = $1', [
    userId,
  ]);
  return row?.timezone ?? 'UTC';
}

export interface MemberUpdate {
  userId: string;
  timezone?: string | undefined;
  demographics?: Member['demographics'] | undefined;
  goal?: string | null | undefined;
  allergies?: string[] | undefined;
  dietType?: string | null | undefined;
  at: string;
}

/**
 * Upserts what an event says (newest event wins; fields it does not carry are kept). Nothing for
 * an erased account. Returns what changed that a meal plan depends on (goal, allergies), or
 * undefined when the event was older than what is stored.
 */
export async function saveMember(
  tx: Queryable,
  update: MemberUpdate,
): Promise<{ planInputsChanged: boolean; hadPlanInputs: boolean } | undefined> {
  const [erased] = await tx.query('SELECT 1 FROM erased_members WHERE user_digest = $1', [
    erasureDigest(update.userId),
  ]);
  if (erased) return undefined;
  const [before] = await tx.query<{ goal: string | null; allergies: string[] }>(
    'SELECT goal, allergies FROM members WHERE user_id = $1 FOR UPDATE',
    [update.userId],
  );
  const rows = await tx.query<{ goal: string | null; allergies: string[] }>(
    `INSERT INTO members (user_id, timezone, demographics, goal, allergies, diet_type, updated_at)
     VALUES ($1, COALESCE($2, 'UTC'), COALESCE($3::jsonb, '{}'::jsonb), $4, COALESCE($5::text[], '{}'), $6, $7)
     ON CONFLICT (user_id) DO UPDATE SET
       timezone = COALESCE($2, members.timezone),
       demographics = COALESCE($3::jsonb, members.demographics),
       goal = CASE WHEN $8 THEN $4 ELSE members.goal END,
       allergies = COALESCE($5::text[], members.allergies),
       diet_type = CASE WHEN $9 THEN $6 ELSE members.diet_type END,
       updated_at = EXCLUDED.updated_at
     WHERE members.updated_at <= EXCLUDED.updated_at
     RETURNING goal, allergies`,
    [
      update.userId,
      update.timezone ?? null,
      update.demographics ? JSON.stringify(update.demographics) : null,
      update.goal ?? null,
      update.allergies ?? null,
      update.dietType ?? null,
      update.at,
      update.goal !== undefined,
      update.dietType !== undefined,
    ],
  );
  const after = rows[0];
  if (!after) return undefined;
  const sameAllergies =
    normaliseList(before?.allergies ?? []).join('\n') === normaliseList(after.allergies).join('\n');
  return {
    planInputsChanged: !before || before.goal !== after.goal || !sameAllergies,
    hadPlanInputs: Boolean(before),
  };
}

const normaliseList = (items: string[]) => items.map((i) => i.trim().toLowerCase()).sort();

/**
 * Erases everything nutrition holds about an account and remembers that it did. Its meals' photos
 * are queued for removal from object storage in the same transaction (photo_deletions).
 */
export async function eraseMember(tx: Queryable, userId: string, at: string): Promise<void> {
  await tx.query(
    `WITH gone AS (DELETE FROM meals WHERE user_id = $1 RETURNING photo_key)
     INSERT INTO photo_deletions (photo_key) SELECT photo_key FROM gone WHERE photo_key IS NOT NULL
     ON CONFLICT (photo_key) DO NOTHING`,
    [userId],
  );
  await tx.query('DELETE FROM meal_plans WHERE user_id = $1', [userId]);
  await tx.query('DELETE FROM members WHERE user_id = $1', [userId]);
  await tx.query(
    'INSERT INTO erased_members (user_digest, erased_at) VALUES ($1, $2) ON CONFLICT (user_digest) DO NOTHING',
    [erasureDigest(userId), at],
  );
}
