import type { NutritionDayFigures, NutritionSummary } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';
import { daysOf, type DateRange, type Period } from '../periods.ts';

interface DayRow {
  day: string;
  [figure: string]: unknown;
}

const pct = (eaten: number, target: number | null) =>
  target && target > 0 ? Math.round((eaten / target) * 1000) / 10 : null;

/**
 * A member's nutrition per day of a range: meals planned (the newest plan covering the day) and
 * logged (and how many of those the plan had), kcal and macros eaten, the plan's targets, and
 * compliance as eaten / target in %. Days are the member's local days, as nutrition dated the meals.
 */
export async function nutritionSummary(
  db: Queryable,
  userId: string,
  timeZone: string,
  period: Period,
  range: DateRange,
): Promise<NutritionSummary> {
  const args = [userId, range.from, range.to];
  const [eaten, planned] = await Promise.all([
    db.query<DayRow>(
      `SELECT local_date::text AS day, count(*)::int AS meals, count(*) FILTER (WHERE planned)::int AS planned_meals,
         sum(kcal)::float8 AS kcal, sum(protein_g)::float8 AS protein, sum(carbs_g)::float8 AS carbs, sum(fat_g)::float8 AS fat
       FROM meals WHERE user_id = $1 AND NOT deleted AND local_date BETWEEN $2::date AND $3::date GROUP BY 1`,
      args,
    ),
    db.query<DayRow>(
      `SELECT DISTINCT ON (d.day) d.day::text AS day, d.meals, p.kcal_target, p.protein_g, p.carbs_g, p.fat_g
       FROM nutrition_plan_days d JOIN nutrition_plans p ON p.plan_id = d.plan_id
       WHERE d.user_id = $1 AND d.day BETWEEN $2::date AND $3::date
       ORDER BY d.day, p.generated_at DESC, p.plan_id DESC`,
      args,
    ),
  ]);
  const eatenOn = new Map(eaten.map((r) => [r.day, r]));
  const plannedOn = new Map(planned.map((r) => [r.day, r]));
  const n = (row: DayRow | undefined, key: string) => Number(row?.[key] ?? 0);
  const target = (row: DayRow | undefined, key: string) => (row ? Number(row[key]) : null);
  const days: NutritionDayFigures[] = daysOf(range).map((date) => {
    const [e, p] = [eatenOn.get(date), plannedOn.get(date)];
    const figures = {
      kcal: Math.round(n(e, 'kcal')),
      proteinG: Math.round(n(e, 'protein')),
      carbsG: Math.round(n(e, 'carbs')),
      fatG: Math.round(n(e, 'fat')),
    };
    const targets = p
      ? {
          kcal: target(p, 'kcal_target')!,
          proteinG: target(p, 'protein_g')!,
          carbsG: target(p, 'carbs_g')!,
          fatG: target(p, 'fat_g')!,
        }
      : null;
    return {
      date,
      mealsPlanned: n(p, 'meals'),
      mealsLogged: n(e, 'meals'),
      plannedMealsLogged: n(e, 'planned_meals'),
      ...figures,
      targets,
      compliancePct: targets
        ? {
            kcal: pct(n(e, 'kcal'), targets.kcal),
            proteinG: pct(n(e, 'protein'), targets.proteinG),
            carbsG: pct(n(e, 'carbs'), targets.carbsG),
            fatG: pct(n(e, 'fat'), targets.fatG),
          }
        : null,
    };
  });
  const sum = (pick: (d: NutritionDayFigures) => number) => days.reduce((s, d) => s + pick(d), 0);
  // Over the days that had both a plan and a meal: how close the member came on average.
  const judged = days.filter((d) => d.targets && d.mealsLogged > 0);
  const average = (pick: (d: NutritionDayFigures) => number | null) =>
    judged.length
      ? Math.round((judged.reduce((s, d) => s + (pick(d) ?? 0), 0) / judged.length) * 10) / 10
      : null;
  return {
    period,
    from: range.from,
    to: range.to,
    timeZone,
    totals: {
      mealsPlanned: sum((d) => d.mealsPlanned),
      mealsLogged: sum((d) => d.mealsLogged),
      plannedMealsLogged: sum((d) => d.plannedMealsLogged),
      kcal: sum((d) => d.kcal),
      proteinG: sum((d) => d.proteinG),
      carbsG: sum((d) => d.carbsG),
      fatG: sum((d) => d.fatG),
      averageCompliancePct: {
        kcal: average((d) => d.compliancePct?.kcal ?? null),
        proteinG: average((d) => d.compliancePct?.proteinG ?? null),
        carbsG: average((d) => d.compliancePct?.carbsG ?? null),
        fatG: average((d) => d.compliancePct?.fatG ?? null),
      },
    },
    days,
  };
}
