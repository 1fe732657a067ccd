import {
  nutritionEvents,
  type Meal,
  type MealItem,
  type MealSource,
  type MealStatus,
  type MealType,
  type Totals,
} from '@nxg/contracts';
import { enqueueEvent, enqueueEvents, uuidv7, type Queryable, type TraceContext } from '@nxg/platform';
import { totalsOf } from './meal-items.ts';

export interface MealRow {
  id: string;
  user_id: string;
  meal_type: MealType;
  eaten_at: Date | string;
  local_date: string;
  timezone: string;
  status: MealStatus;
  source: MealSource;
  model: string | null;
  model_version: string | null;
  photo_key: string | null;
  items: MealItem[];
  kcal: number;
  protein_g: number;
  carbs_g: number;
  fat_g: number;
  fibre_g: number;
  created_at: Date | string;
  [key: string]: unknown;
}

/** The columns a Meal is read from (`local_date` as text: a `date` would become a local Date). */
export const MEAL_COLUMNS = `id, user_id, meal_type, eaten_at, local_date::text AS local_date, timezone, status, source,
  model, model_version, photo_key, items, kcal, protein_g, carbs_g, fat_g, fibre_g, created_at`;

export const toMeal = (r: MealRow): Meal => ({
  id: r.id,
  mealType: r.meal_type,
  eatenAt: new Date(r.eaten_at).toISOString(),
  localDate: r.local_date,
  status: r.status,
  source: r.source,
  model: r.model,
  modelVersion: r.model_version,
  hasPhoto: r.photo_key !== null,
  items: r.items,
  totals: { kcal: r.kcal, proteinG: r.protein_g, carbsG: r.carbs_g, fatG: r.fat_g, fibreG: r.fibre_g },
  createdAt: new Date(r.created_at).toISOString(),
});

/** A meal to store: by hand (status `logged`) or from a photo (the photo feature fills the rest). */
export interface NewMeal {
  userId: string;
  mealType: MealType;
  eatenAt: string;
  status: MealStatus;
  source: MealSource;
  items: MealItem[];
  model?: string | null;
  modelVersion?: string | null;
  photoKey?: string | null;
  imageHash?: string | null;
  detection?: unknown;
  /** The request's hashed Idempotency-Key: one meal per member and key, however often retried. */
  requestKey?: string | undefined;
  /** Announce `nutrition.meal.logged` now (a photo meal still awaiting its items may wait). */
  announce?: boolean;
  /** The trace of the request that logged it, when written in a batch with others. */
  trace?: TraceContext;
}

/**
 * Meals (`source`, with `user_id`, `meal_type` and `local_date`) with the member's active plan and
 * whether it has a meal of that type on that local day: what `nutrition.meal.logged` says.
 */
const withPlanStatus = (columns: string, source: string) =>
  `SELECT ${columns}, plan.id AS plan_id,
     COALESCE(jsonb_path_exists(plan.days, '$[*] ? (@.date == $d).meals[*] ? (@.mealType == $t)',
                                jsonb_build_object('d', ins.local_date, 't', ins.meal_type)), false) AS planned
   FROM ${source} ins LEFT JOIN meal_plans plan ON plan.user_id = ins.user_id AND plan.active`;

/** What storing a meal adds to what the caller sent: its day and zone, its creation, its plan. */
interface StoredMealRow {
  id: string;
  local_date: string;
  timezone: string;
  created_at: Date | string;
  plan_id: string | null;
  planned: boolean;
  [key: string]: unknown;
}

/**
 * One statement for a batch of meals, sent as one JSON document (a row per meal; absent keys are
 * nulls): each is dated in its member's time zone (UTC for a member identity has not told us
 * about) and checked against the member's active plan (was a meal of this type planned that day?).
 * It returns only what the caller does not know already. Named, so PostgreSQL parses and plans it
 * once per connection.
 */
const INSERT_MEALS = {
  name: 'nutrition.insert-meals',
  text: `WITH input AS (
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS i(n int, id uuid, user_id uuid, meal_type text, eaten_at timestamptz, status text, source text,
              model text, model_version text, photo_key text, image_hash text, items jsonb, kcal float8,
              protein_g float8, carbs_g float8, fat_g float8, fibre_g float8, detection jsonb, request_key text)
     ), dated AS (
       SELECT i.*, COALESCE(m.timezone, 'UTC') AS tz,
              (i.eaten_at AT TIME ZONE COALESCE(m.timezone, 'UTC'))::date AS local_date
       FROM input i LEFT JOIN members m ON m.user_id = i.user_id
     ), inserted AS (
       INSERT INTO meals (id, user_id, meal_type, eaten_at, local_date, timezone, status, source, model, model_version,
                          photo_key, image_hash, items, kcal, protein_g, carbs_g, fat_g, fibre_g, detection, request_key)
       SELECT id, user_id, meal_type, eaten_at, local_date, tz, status, source, model, model_version,
              photo_key, image_hash, items, kcal, protein_g, carbs_g, fat_g, fibre_g, detection, request_key
       FROM dated ORDER BY n
       ON CONFLICT (user_id, request_key) WHERE request_key IS NOT NULL DO NOTHING
       RETURNING id, user_id, meal_type, local_date, timezone, created_at
     )
     ${withPlanStatus('ins.id, ins.local_date::text AS local_date, ins.timezone, ins.created_at', 'inserted')}`,
};

/** A meal as stored: what the caller sent, with what PostgreSQL added. */
const storedMeal = (meal: NewMeal, row: StoredMealRow, totals: Totals): Meal => ({
  id: row.id,
  mealType: meal.mealType,
  eatenAt: new Date(meal.eatenAt).toISOString(),
  localDate: row.local_date,
  status: meal.status,
  source: meal.source,
  model: meal.model ?? null,
  modelVersion: meal.modelVersion ?? null,
  hasPhoto: (meal.photoKey ?? null) !== null,
  items: meal.items,
  totals,
  createdAt: new Date(row.created_at).toISOString(),
});

/** Stores meals and announces each (`nutrition.meal.logged`), in the caller's transaction, in two statements. */
export async function insertMeals(tx: Queryable, meals: NewMeal[]): Promise<Meal[]> {
  const ids = meals.map(() => uuidv7());
  const totals = meals.map((m) => totalsOf(m.items));
  const rows = await tx.query<StoredMealRow>(
    INSERT_MEALS.text,
    [
      JSON.stringify(
        meals.map((m, n) => ({
          n,
          id: ids[n],
          user_id: m.userId,
          meal_type: m.mealType,
          eaten_at: m.eatenAt,
          status: m.status,
          source: m.source,
          model: m.model,
          model_version: m.modelVersion,
          photo_key: m.photoKey,
          image_hash: m.imageHash,
          items: m.items,
          kcal: totals[n]!.kcal,
          protein_g: totals[n]!.proteinG,
          carbs_g: totals[n]!.carbsG,
          fat_g: totals[n]!.fatG,
          fibre_g: totals[n]!.fibreG,
          detection: m.detection,
          request_key: m.requestKey,
        })),
      ),
    ],
    { name: INSERT_MEALS.name },
  );
  const returned = new Map(rows.map((row) => [row.id, row]));
  // Undefined for a meal logged before under its request key: no second meal, no second announcement.
  const stored = ids.map((id) => returned.get(id));
  const saved = meals.map((meal, i) => stored[i] && storedMeal(meal, stored[i], totals[i]!));
  await enqueueEvents(
    tx,
    meals.flatMap((meal, i) => {
      const row = stored[i];
      if (!row || meal.announce === false) return [];
      return [
        {
          ...mealLoggedEvent(saved[i]!, meal.userId, row.timezone, {
            planned: row.planned,
            planId: row.plan_id,
          }),
          ...(meal.trace ? { trace: meal.trace } : {}),
        },
      ];
    }),
  );
  const repeated = await mealsByRequestKey(
    tx,
    meals.filter((_, i) => !saved[i]),
  );
  return meals.map((meal, i) => {
    const found = saved[i] ?? repeated.get(`${meal.userId} ${meal.requestKey}`);
    if (!found) throw new Error('a meal was neither stored nor found by its request key');
    return found;
  });
}

/** The meals members logged before under these requests' keys, by `<userId> <requestKey>`. */
async function mealsByRequestKey(tx: Queryable, meals: NewMeal[]): Promise<Map<string, Meal>> {
  if (meals.length === 0) return new Map();
  const rows = await tx.query<MealRow & { request_key: string }>(
    `SELECT ${MEAL_COLUMNS}, request_key FROM meals
     WHERE (user_id, request_key) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))`,
    [meals.map((m) => m.userId), meals.map((m) => m.requestKey ?? null)],
  );
  return new Map(rows.map((row) => [`${row.user_id} ${row.request_key}`, toMeal(row)]));
}

/** `nutrition.meal.logged` for a stored meal of `userId`, dated in `timezone`. */
export function mealLoggedEvent(
  meal: Meal,
  userId: string,
  timezone: string,
  plan: { planned: boolean; planId: string | null },
) {
  return {
    event: nutritionEvents.mealLogged,
    subject: userId,
    data: {
      userId,
      mealId: meal.id,
      mealType: meal.mealType,
      source: meal.source,
      localDate: meal.localDate,
      timezone,
      eatenAt: meal.eatenAt,
      ...meal.totals,
      itemCount: meal.items.length,
      planned: plan.planned,
      planId: plan.planId,
      at: new Date().toISOString(),
    },
  };
}

/**
 * Announces a stored meal (`nutrition.meal.logged`) in the caller's transaction: for meals stored
 * with `announce: false` (a photo meal) once their items are known. False if there is no such meal.
 */
export async function announceMeal(tx: Queryable, mealId: string): Promise<boolean> {
  const [row] = await tx.query<MealRow & { plan_id: string | null; planned: boolean }>(
    withPlanStatus('ins.*', `(SELECT ${MEAL_COLUMNS} FROM meals WHERE id = $1)`),
    [mealId],
  );
  if (!row) return false;
  await enqueueEvent(
    tx,
    mealLoggedEvent(toMeal(row), row.user_id, row.timezone, { planned: row.planned, planId: row.plan_id }),
  );
  return true;
}

/** The member's meals eaten in [fromDay, toDay] of `timeZone` (either end open), newest first. */
export async function mealsPage(
  db: Queryable,
  userId: string,
  range: { from?: string | undefined; to?: string | undefined; timeZone: string },
  limit: number,
  after?: [string, string],
): Promise<MealRow[]> {
  return db.query<MealRow>(
    `SELECT ${MEAL_COLUMNS} FROM meals WHERE user_id = $1
       AND ($2::date IS NULL OR eaten_at >= ($2::date::timestamp AT TIME ZONE $4))
       AND ($3::date IS NULL OR eaten_at < (($3::date + 1)::timestamp AT TIME ZONE $4))
       AND ($5::timestamptz IS NULL OR (eaten_at, id) < ($5::timestamptz, $6::uuid))
     ORDER BY eaten_at DESC, id DESC LIMIT $7`,
    [
      userId,
      range.from ?? null,
      range.to ?? null,
      range.timeZone,
      after?.[0] ?? null,
      after?.[1] ?? null,
      limit,
    ],
  );
}

/** `nutrition.meal.deleted` for a meal whose figures analytics counted: they are taken back. */
export function mealDeletedEvent(row: MealRow, at: string) {
  return {
    event: nutritionEvents.mealDeleted,
    subject: row.user_id,
    data: {
      userId: row.user_id,
      mealId: row.id,
      mealType: row.meal_type,
      localDate: row.local_date,
      kcal: row.kcal,
      proteinG: row.protein_g,
      carbsG: row.carbs_g,
      fatG: row.fat_g,
      fibreG: row.fibre_g,
      at,
    },
  };
}

/**
 * Removes one of the member's meals, queues its photo for removal and announces it, in one
 * transaction. False when the member has no such meal.
 */
export async function deleteMeal(tx: Queryable, userId: string, mealId: string): Promise<boolean> {
  const [row] = await tx.query<MealRow>(
    `DELETE FROM meals WHERE id = $1 AND user_id = $2 RETURNING ${MEAL_COLUMNS}`,
    [mealId, userId],
  );
  if (!row) return false;
  if (row.photo_key)
    await tx.query('INSERT INTO photo_deletions (photo_key) VALUES ($1) ON CONFLICT (photo_key) DO NOTHING', [
      row.photo_key,
    ]);
  await enqueueEvent(tx, mealDeletedEvent(row, new Date().toISOString()));
  return true;
}

/** The member's meals eaten on `day` of `timeZone`, in the order eaten. */
export async function mealsOfDay(
  db: Queryable,
  userId: string,
  day: string,
  timeZone: string,
): Promise<MealRow[]> {
  return db.query<MealRow>(
    `SELECT ${MEAL_COLUMNS} FROM meals WHERE user_id = $1
       AND eaten_at >= ($2::date::timestamp AT TIME ZONE $3) AND eaten_at < (($2::date + 1)::timestamp AT TIME ZONE $3)
     ORDER BY eaten_at, id`,
    [userId, day, timeZone],
  );
}
