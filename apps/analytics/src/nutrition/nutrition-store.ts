import type { EventData, nutritionEvents } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';

/** A logged meal, once; a meal already removed stays removed. */
export async function saveMealLogged(tx: Queryable, e: EventData<typeof nutritionEvents.mealLogged>) {
  await tx.query(
    `INSERT INTO meals (meal_id, user_id, meal_type, local_date, kcal, protein_g, carbs_g, fat_g, planned)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (meal_id) DO NOTHING`,
    [e.mealId, e.userId, e.mealType, e.localDate, e.kcal, e.proteinG, e.carbsG, e.fatG, e.planned],
  );
}

/** A removed meal: a tombstone whether or not its logged event came first. */
export async function saveMealDeleted(tx: Queryable, e: EventData<typeof nutritionEvents.mealDeleted>) {
  await tx.query(
    `INSERT INTO meals (meal_id, user_id, meal_type, local_date, kcal, protein_g, carbs_g, fat_g, deleted)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, true) ON CONFLICT (meal_id) DO UPDATE SET deleted = true`,
    [e.mealId, e.userId, e.mealType, e.localDate, e.kcal, e.proteinG, e.carbsG, e.fatG],
  );
}

export async function savePlan(tx: Queryable, e: EventData<typeof nutritionEvents.planGenerated>) {
  const inserted = await tx.query(
    `INSERT INTO nutrition_plans (plan_id, user_id, kcal_target, protein_g, carbs_g, fat_g, generated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (plan_id) DO NOTHING RETURNING plan_id`,
    [e.planId, e.userId, e.kcalTarget, e.proteinG, e.carbsG, e.fatG, e.at],
  );
  if (!inserted.length) return;
  await tx.query(
    `INSERT INTO nutrition_plan_days (plan_id, user_id, day, meals, kcal)
     SELECT $1, $2, d.day, d.meals, d.kcal FROM unnest($3::date[], $4::int[], $5::float8[]) AS d(day, meals, kcal)
     ON CONFLICT DO NOTHING`,
    [
      e.planId,
      e.userId,
      e.days.map((d) => d.date),
      e.days.map((d) => d.meals.length),
      e.days.map((d) => d.meals.reduce((n, m) => n + m.kcal, 0)),
    ],
  );
}
