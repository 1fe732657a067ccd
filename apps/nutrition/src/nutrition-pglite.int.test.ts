import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { migrate, openDatabase, platformMigrations, type Database } from '@nxg/platform';
import { createFoodIndex, loadFoods } from '@nxg/reference-data';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayIn } from './local-days.ts';
import { itemsFromEntries } from './meals/meal-items.ts';
import { announceMeal, deleteMeal, insertMeals, mealsOfDay, mealsPage } from './meals/meal-store.ts';
import { eraseMember, findMember, saveMember } from './members/member-store.ts';
import { planLocally } from './plans/local-planner.ts';
import { activatePlan, claimDuePlan } from './plans/plan-store.ts';
import { dailyTargets } from './targets/daily-targets.ts';

// Nutrition's SQL on embedded PGlite (what `pnpm start` uses without DATABASE_URL); the other
// tests run it on PostgreSQL through the gateway.
let dir: string;
let db: Database;
const foods = createFoodIndex(loadFoods());

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nxg-nutrition-'));
  db = await openDatabase({ service: 'nutrition', dataDir: dir });
  await migrate(db, [
    platformMigrations,
    { scope: 'nutrition', dir: fileURLToPath(new URL('../migrations', import.meta.url)) },
  ]);
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const outboxSubjects = async () =>
  (await db.query<{ subject: string }>('SELECT subject FROM outbox ORDER BY created_at, id')).map(
    (r) => r.subject,
  );

describe('nutrition on PGlite', () => {
  it('stores meals in the member’s zone against the active plan, lists, removes and erases them', async () => {
    const userId = uuidv7();
    const zone = 'Asia/Tokyo';
    await db.transaction((tx) =>
      saveMember(tx, { userId, timezone: zone, allergies: ['Peanuts'], at: new Date().toISOString() }),
    );
    const member = await findMember(db, userId);
    expect(member).toMatchObject({ timezone: zone, allergies: ['Peanuts'] });

    const today = dayIn(zone, new Date());
    const days = planLocally(foods, {
      startsOn: today,
      days: 7,
      targets: dailyTargets(member),
      allergies: member.allergies,
      seed: 1,
    });
    const plan = await db.transaction((tx) =>
      activatePlan(tx, {
        userId,
        source: 'fallback',
        reason: 'requested',
        timezone: zone,
        startsOn: today,
        targets: dailyTargets(member),
        excludedAllergens: ['peanuts'],
        days,
      }),
    );
    expect(plan?.starts_on).toBe(today);

    const items = itemsFromEntries(foods, [{ foodId: '05064', grams: 100 }]);
    const [lunch, photo] = await db.transaction((tx) =>
      insertMeals(tx, [
        {
          userId,
          mealType: 'lunch',
          eatenAt: new Date().toISOString(),
          status: 'logged',
          source: 'manual',
          items,
        },
        {
          userId,
          mealType: 'dinner',
          eatenAt: new Date().toISOString(),
          status: 'manual_entry_needed',
          source: 'photo',
          items: [],
          photoKey: `meals/${userId}/photo.jpg`,
          imageHash: 'abc123',
          announce: false,
        },
      ]),
    );
    expect(lunch).toMatchObject({ localDate: today, totals: { kcal: 165, proteinG: 31 }, hasPhoto: false });
    expect(photo).toMatchObject({ status: 'manual_entry_needed', hasPhoto: true });
    expect(await outboxSubjects()).toEqual(['nutrition.plan.generated', 'nutrition.meal.logged']);
    const [logged] = await db.query<{ payload: { data: { planned: boolean; planId: string } } }>(
      "SELECT payload FROM outbox WHERE subject = 'nutrition.meal.logged'",
    );
    expect(logged!.payload.data).toMatchObject({ planned: true, planId: plan!.id });
    expect(await db.transaction((tx) => announceMeal(tx, photo!.id))).toBe(true);

    const listed = await mealsPage(db, userId, { from: today, to: today, timeZone: zone }, 10);
    expect(listed.map((r) => r.id).sort()).toEqual([lunch!.id, photo!.id].sort());
    expect((await mealsOfDay(db, userId, today, zone)).map((r) => r.id)).toHaveLength(2);

    expect(await db.transaction((tx) => deleteMeal(tx, userId, lunch!.id))).toBe(true);
    expect(await db.transaction((tx) => deleteMeal(tx, uuidv7(), photo!.id))).toBe(false);

    // Due plans: none yet; one when a week old.
    expect(await db.transaction((tx) => claimDuePlan(tx, 7 * 86_400))).toBeUndefined();
    await db.query("UPDATE meal_plans SET created_at = now() - interval '8 days' WHERE user_id = $1", [
      userId,
    ]);
    expect(await db.transaction((tx) => claimDuePlan(tx, 7 * 86_400))).toMatchObject({ user_id: userId });

    await db.transaction((tx) => eraseMember(tx, userId, new Date().toISOString()));
    const left = await db.query(
      'SELECT 1 FROM meals WHERE user_id = $1 UNION ALL SELECT 1 FROM meal_plans WHERE user_id = $1',
      [userId],
    );
    expect(left).toEqual([]);
    const queued = await db.query<{ photo_key: string }>('SELECT photo_key FROM photo_deletions');
    expect(queued.map((r) => r.photo_key)).toEqual([`meals/${userId}/photo.jpg`]);
    // An event about the erased member brings nothing back.
    expect(
      await db.transaction((tx) => saveMember(tx, { userId, timezone: zone, at: new Date().toISOString() })),
    ).toBeUndefined();
  });
});
