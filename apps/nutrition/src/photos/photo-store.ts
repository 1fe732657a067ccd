import type { Queryable } from '@nxg/platform';
import { MEAL_COLUMNS, type MealRow } from '../meals/meal-store.ts';

/** What detection left in a meal's `detection` column. */
export interface DetectionRecord {
  /** Detection is still owed: the retry job will try again. */
  pending: boolean;
  /** Why it is owed or was given up (an external error code). */
  reason?: string;
  attempts?: number;
  analysisId?: string;
  source?: 'ai' | 'cache';
  /** The service's items as it sent them, before gating. */
  detected?: unknown[];
  analysedAt?: string;
  /** The member's confirmation or correction. */
  confirmation?: { at: string; items: unknown[] };
}

export type PhotoMealRow = MealRow & { image_hash: string | null; detection: DetectionRecord | null };

const PHOTO_MEAL_COLUMNS = `${MEAL_COLUMNS}, image_hash, detection`;

export async function mealByPhotoKey(db: Queryable, photoKey: string): Promise<PhotoMealRow | undefined> {
  const [row] = await db.query<PhotoMealRow>(`SELECT ${PHOTO_MEAL_COLUMNS} FROM meals WHERE photo_key = $1`, [
    photoKey,
  ]);
  return row;
}

/** The meal, locked for this transaction; `userId` absent for the retry job, which acts for the owner. */
export async function lockMeal(
  tx: Queryable,
  mealId: string,
  userId?: string,
): Promise<PhotoMealRow | undefined> {
  const [row] = await tx.query<PhotoMealRow>(
    `SELECT ${PHOTO_MEAL_COLUMNS} FROM meals WHERE id = $1 AND ($2::uuid IS NULL OR user_id = $2) FOR UPDATE`,
    [mealId, userId ?? null],
  );
  return row;
}

export async function mealPhotoKey(db: Queryable, mealId: string, userId: string) {
  const [row] = await db.query<{ photo_key: string | null }>(
    'SELECT photo_key FROM meals WHERE id = $1 AND user_id = $2',
    [mealId, userId],
  );
  return row;
}

export interface MealUpdate {
  status: MealRow['status'];
  items: MealRow['items'];
  totals: { kcal: number; proteinG: number; carbsG: number; fatG: number; fibreG: number };
  model?: string | null;
  modelVersion?: string | null;
  detection: DetectionRecord;
}

export async function updateMeal(tx: Queryable, mealId: string, update: MealUpdate): Promise<PhotoMealRow> {
  const [row] = await tx.query<PhotoMealRow>(
    `UPDATE meals SET status = $2, items = $3::jsonb, kcal = $4, protein_g = $5, carbs_g = $6, fat_g = $7,
       fibre_g = $8, model = COALESCE($9, model), model_version = COALESCE($10, model_version), detection = $11::jsonb
     WHERE id = $1 RETURNING ${PHOTO_MEAL_COLUMNS}`,
    [
      mealId,
      update.status,
      JSON.stringify(update.items),
      update.totals.kcal,
      update.totals.proteinG,
      update.totals.carbsG,
      update.totals.fatG,
      update.totals.fibreG,
      update.model ?? null,
      update.modelVersion ?? null,
      JSON.stringify(update.detection),
    ],
  );
  return row!;
}

export type WorkKind = 'detect' | 'feedback';

export interface WorkRow {
  meal_id: string;
  kind: WorkKind;
  user_id: string;
  attempts: number;
  payload: { analysisId: string; imageHash: string; items: unknown[] } | null;
  [column: string]: unknown;
}

export async function scheduleWork(
  tx: Queryable,
  work: { mealId: string; userId: string; kind: WorkKind; dueAt: Date; payload?: unknown },
): Promise<void> {
  await tx.query(
    `INSERT INTO photo_work (meal_id, kind, user_id, due_at, payload) VALUES ($1, $2, $3, $4, $5::jsonb)
     ON CONFLICT (meal_id, kind) DO UPDATE SET due_at = EXCLUDED.due_at, payload = EXCLUDED.payload, attempts = 0`,
    [
      work.mealId,
      work.kind,
      work.userId,
      work.dueAt,
      work.payload === undefined ? null : JSON.stringify(work.payload),
    ],
  );
}

/**
 * Takes up to `limit` due rows for this replica: each is leased by moving its `due_at` past the
 * time its work can take, so another replica (or the next run) takes it only if this one died.
 */
export async function claimDueWork(db: Queryable, limit: number, leaseMs: number): Promise<WorkRow[]> {
  return db.query<WorkRow>(
    `UPDATE photo_work w SET due_at = now() + make_interval(secs => $2::float8 / 1000), attempts = w.attempts + 1
     FROM (SELECT meal_id, kind FROM photo_work WHERE due_at <= now() ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED) due
     WHERE w.meal_id = due.meal_id AND w.kind = due.kind
     RETURNING w.meal_id, w.kind, w.user_id, w.attempts, w.payload`,
    [limit, leaseMs],
  );
}

export async function rescheduleWork(db: Queryable, row: WorkRow, dueAt: Date, error: string): Promise<void> {
  await db.query('UPDATE photo_work SET due_at = $3, last_error = $4 WHERE meal_id = $1 AND kind = $2', [
    row.meal_id,
    row.kind,
    dueAt,
    error.slice(0, 500),
  ]);
}

export async function finishWork(db: Queryable, mealId: string, kind: WorkKind): Promise<void> {
  await db.query('DELETE FROM photo_work WHERE meal_id = $1 AND kind = $2', [mealId, kind]);
}

/** Photos queued for removal (their meal deleted or the account erased), oldest first. */
export async function queuedPhotoDeletions(db: Queryable, limit: number): Promise<string[]> {
  const rows = await db.query<{ photo_key: string }>(
    'SELECT photo_key FROM photo_deletions ORDER BY queued_at LIMIT $1',
    [limit],
  );
  return rows.map((r) => r.photo_key);
}

export async function photoDeleted(db: Queryable, photoKey: string): Promise<void> {
  await db.query('DELETE FROM photo_deletions WHERE photo_key = $1', [photoKey]);
}
