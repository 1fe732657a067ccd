import { createHash } from 'node:crypto';
import { erasureDigest, type Cache, type Database } from '@nxg/platform';
import { registerMember, readEvents, usePlatform, waitFor } from '@nxg/testing';
import { describe, expect, it } from 'vitest';

const { platform, api } = usePlatform({ replicas: { nutrition: 1 } });
const startedAt = new Date();
const db = () => platform.services.nutrition![0]!.app!.kit.db as Database;
/** Rows nutrition holds for a member, table by table. */
async function rowsOf(userId: string) {
  const count = async (table: string) =>
    Number(
      (await db().query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE user_id = $1`, [userId]))[0]!
        .n,
    );
  return { meals: await count('meals'), plans: await count('meal_plans'), members: await count('members') };
}
const hoursAgo = (h: number) => new Date(Date.now() - h * 3600_000).toISOString();

/** USDA SR28: chicken breast, meat only, roasted (165 kcal, 31.02 g protein, 3.57 g fat per 100 g). */
const CHICKEN = '05064';
/** USDA SR28: brown rice, long-grain, cooked (123 kcal, 2.74 P, 25.58 C, 0.97 F, 1.6 fibre per 100 g). */
const RICE = '20037';

describe('foods', () => {
  it('finds roasted chicken breast by words and answers per 100 g and per portion', async () => {
    const member = await registerMember(api);
    const found = await api.get('/v1/nutrition/foods?q=chicken%20breast&limit=5', member.accessToken);
    expect(found.status).toBe(200);
    expect(found.body.items.map((f: { id: string }) => f.id)).toContain(CHICKEN);
    const food = await api.get(`/v1/nutrition/foods/${CHICKEN}`, member.accessToken);
    expect(food.status).toBe(200);
    expect(food.body.per100g).toMatchObject({ kcal: 165, proteinG: 31, fatG: 3.6 });
    const cup = food.body.portions.find((p: { label: string }) => p.label.startsWith('1 cup'));
    expect(cup).toMatchObject({ grams: 140, kcal: 231 });
    // Pages follow one another without repeats.
    const next = await api.get(
      `/v1/nutrition/foods?q=chicken&limit=5&cursor=${found.body.nextCursor}`,
      member.accessToken,
    );
    expect(next.status).toBe(200);
  });

  it('answers an unknown food id with 404 FOOD_NOT_FOUND', async () => {
    const member = await registerMember(api);
    const missing = await api.get('/v1/nutrition/foods/99999', member.accessToken);
    expect([missing.status, missing.body.code]).toEqual([404, 'FOOD_NOT_FOUND']);
  });
});

describe('meals', () => {
  it('computes macros from reference foods by weight, adds free entries, and lists the meal', async () => {
    const member = await registerMember(api);
    const eatenAt = new Date(Date.now() - 3600_000).toISOString();
    const logged = await api.post(
      '/v1/nutrition/meals',
      {
        mealType: 'lunch',
        eatenAt,
        items: [
          { foodId: CHICKEN, grams: 150 },
          { foodId: RICE, grams: 200 },
          { name: 'Homemade sauce', grams: 30, kcal: 45, proteinG: 0.5, carbsG: 3, fatG: 3.5 },
        ],
      },
      member.accessToken,
    );
    expect(logged.status).toBe(201);
    expect(logged.body.items[0]).toMatchObject({ foodId: CHICKEN, grams: 150, kcal: 247.5, proteinG: 46.5 });
    expect(logged.body.items[1]).toMatchObject({ foodId: RICE, kcal: 246, carbsG: 51.2, fibreG: 3.2 });
    // 247.5 + 246 + 45 kcal; 46.5 + 5.5 + 0.5 g protein.
    expect(logged.body.totals).toMatchObject({ kcal: 538.5, proteinG: 52.5 });
    expect(logged.body).toMatchObject({
      mealType: 'lunch',
      status: 'logged',
      source: 'manual',
      hasPhoto: false,
    });

    const today = eatenAt.slice(0, 10);
    const listed = await api.get(`/v1/nutrition/meals?from=${today}&to=${today}`, member.accessToken);
    expect(listed.status).toBe(200);
    expect(listed.body.items.map((m: { id: string }) => m.id)).toContain(logged.body.id);

    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.logged',
      since: startedAt,
      where: (e) => (e.data as { mealId: string }).mealId === logged.body.id,
      expect: 1,
    });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({
      userId: member.user.id,
      mealType: 'lunch',
      kcal: 538.5,
      proteinG: 52.5,
      localDate: today,
      timezone: 'UTC',
      planned: false,
    });
  });
});

describe('meals by date range and removal', () => {
  it('lists the days asked for in the member’s time zone, newest first, page by page, and removes one', async () => {
    const member = await registerMember(api);
    const at = [
      '2026-11-20T08:00:00Z',
      '2026-11-21T12:00:00Z',
      '2026-11-21T19:00:00Z',
      '2026-11-23T07:00:00Z',
    ];
    const ids: string[] = [];
    for (const eatenAt of at) {
      const meal = await api.post(
        '/v1/nutrition/meals',
        { mealType: 'snack', eatenAt, items: [{ foodId: RICE, grams: 100 }] },
        member.accessToken,
      );
      expect(meal.status).toBe(201);
      ids.push(meal.body.id);
    }
    const first = await api.get(
      '/v1/nutrition/meals?from=2026-11-21&to=2026-11-23&limit=2',
      member.accessToken,
    );
    expect(first.body.items.map((m: { id: string }) => m.id)).toEqual([ids[3], ids[2]]);
    const second = await api.get(
      `/v1/nutrition/meals?from=2026-11-21&to=2026-11-23&limit=2&cursor=${first.body.nextCursor}`,
      member.accessToken,
    );
    expect(second.body.items.map((m: { id: string }) => m.id)).toEqual([ids[1]]);
    expect(second.body.nextCursor).toBeNull();

    // Another member sees none of them and cannot remove them.
    const other = await registerMember(api);
    expect((await api.get('/v1/nutrition/meals', other.accessToken)).body.items).toEqual([]);
    const refused = await api.delete(`/v1/nutrition/meals/${ids[1]}`, other.accessToken);
    expect([refused.status, refused.body.code]).toEqual([404, 'MEAL_NOT_FOUND']);

    expect((await api.delete(`/v1/nutrition/meals/${ids[1]}`, member.accessToken)).status).toBe(204);
    const day = await api.get('/v1/nutrition/days/2026-11-21', member.accessToken);
    expect(day.body.total.eaten.kcal).toBe(123);
    const removed = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.deleted',
      since: startedAt,
      where: (e) => (e.data as { mealId: string }).mealId === ids[1],
      expect: 1,
    });
    expect(removed[0]!.data).toMatchObject({ localDate: '2026-11-21', kcal: 123, mealType: 'snack' });
  });
});

describe('bad input', () => {
  it('is refused with a 4xx problem and a stable code, and nothing is stored', async () => {
    const member = await registerMember(api);
    const meal = (body: object) => api.post('/v1/nutrition/meals', body, member.accessToken);
    const refusals: Array<[object, number, string]> = [
      [{ mealType: 'lunch', items: [{ foodId: '99999', grams: 100 }] }, 400, 'UNKNOWN_FOOD'],
      [{ mealType: 'lunch', items: [{ foodId: CHICKEN, grams: -50 }] }, 400, 'VALIDATION_FAILED'],
      [{ mealType: 'lunch', items: [{ foodId: CHICKEN, grams: 0 }] }, 400, 'VALIDATION_FAILED'],
      [{ mealType: 'lunch', items: [{ foodId: CHICKEN, grams: 250_000 }] }, 400, 'VALIDATION_FAILED'],
      [{ mealType: 'lunch', items: [] }, 400, 'VALIDATION_FAILED'],
      [{ mealType: 'brunch', items: [{ foodId: CHICKEN, grams: 100 }] }, 400, 'VALIDATION_FAILED'],
      [
        { mealType: 'lunch', eatenAt: hoursAgo(-3), items: [{ foodId: CHICKEN, grams: 100 }] },
        400,
        'MEAL_IN_FUTURE',
      ],
      [
        { mealType: 'lunch', eatenAt: 'yesterday', items: [{ foodId: CHICKEN, grams: 100 }] },
        400,
        'VALIDATION_FAILED',
      ],
      [
        {
          mealType: 'lunch',
          items: [{ name: 'Bar', grams: 40, kcal: 200, proteinG: 30, carbsG: 30, fatG: 10 }],
        },
        400,
        'MACROS_EXCEED_WEIGHT',
      ],
      [
        { mealType: 'lunch', items: [{ name: 'Cake', kcal: -5, proteinG: 1, carbsG: 1, fatG: 1 }] },
        400,
        'VALIDATION_FAILED',
      ],
      // A good item does not carry a bad one in with it.
      [
        {
          mealType: 'lunch',
          items: [
            { foodId: CHICKEN, grams: 100 },
            { foodId: 'nope', grams: 10 },
          ],
        },
        400,
        'UNKNOWN_FOOD',
      ],
    ];
    for (const [body, status, code] of refusals) {
      const answer = await meal(body);
      expect([answer.status, answer.body.code], JSON.stringify(body)).toEqual([status, code]);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
    }
    const lists: Array<[string, string]> = [
      ['/v1/nutrition/meals?from=2026-02-30', 'INVALID_DATE'],
      ['/v1/nutrition/meals?from=2026-11-10&to=2026-11-01', 'INVALID_DATE_RANGE'],
      ['/v1/nutrition/meals?from=2024-01-01&to=2026-01-01', 'INVALID_DATE_RANGE'],
      ['/v1/nutrition/meals?from=30-11-2026', 'VALIDATION_FAILED'],
      ['/v1/nutrition/meals?cursor=garbage', 'INVALID_CURSOR'],
      [`/v1/nutrition/foods?cursor=${Buffer.from('[-20]').toString('base64url')}`, 'INVALID_CURSOR'],
      ['/v1/nutrition/foods?limit=1000', 'VALIDATION_FAILED'],
      ['/v1/nutrition/days/2026-13-01', 'INVALID_DATE'],
      ['/v1/nutrition/days/today', 'VALIDATION_FAILED'],
      ['/v1/nutrition/meals/not-a-uuid', 'ROUTE_NOT_FOUND'],
    ];
    for (const [path, code] of lists) {
      const answer = await api.get(path, member.accessToken);
      if (code === 'ROUTE_NOT_FOUND') expect(answer.status, path).toBeGreaterThanOrEqual(400);
      else expect([answer.status, answer.body.code], path).toEqual([400, code]);
    }
    expect((await api.delete('/v1/nutrition/meals/not-a-uuid', member.accessToken)).status).toBe(400);
    expect(await rowsOf(member.user.id)).toMatchObject({ meals: 0 });
  });
});

describe('erasure', () => {
  it('removes the member’s meals, plans and profile copy when identity erases the account', async () => {
    const member = await registerMember(api);
    await api.patch('/v1/me/profile', { dietPreferences: { allergies: ['soy'] } }, member.accessToken);
    const meal = await api.post(
      '/v1/nutrition/meals',
      { mealType: 'dinner', items: [{ foodId: CHICKEN, grams: 120 }] },
      member.accessToken,
    );
    expect(meal.status).toBe(201);
    expect((await api.post('/v1/nutrition/plans/generate', {}, member.accessToken)).status).toBe(201);
    await waitFor(async () => (await rowsOf(member.user.id)).members === 1);
    expect(await rowsOf(member.user.id)).toEqual({ meals: 1, plans: 1, members: 1 });

    expect((await api.delete('/v1/me', member.accessToken)).status).toBe(204);
    await waitFor(async () => {
      const rows = await rowsOf(member.user.id);
      return rows.meals + rows.plans + rows.members === 0;
    });
    const [tombstone] = await db().query('SELECT 1 FROM erased_members WHERE user_digest = $1', [
      erasureDigest(member.user.id),
    ]);
    expect(tombstone).toBeDefined();
  });
});

describe('the member’s time zone', () => {
  it('dates meals, lists days and builds day views in the zone identity keeps for the member', async () => {
    const member = await registerMember(api);
    const patched = await api.patch(
      '/v1/me/profile',
      { timezone: 'America/Los_Angeles' },
      member.accessToken,
    );
    expect(patched.status).toBe(200);
    // 06:00 UTC on the 21st is 22:00 on the 20th in Los Angeles.
    const late = {
      mealType: 'snack',
      eatenAt: '2026-11-21T06:00:00Z',
      items: [{ foodId: RICE, grams: 100 }],
    };
    const meal = await waitFor(async () => {
      const logged = await api.post('/v1/nutrition/meals', late, member.accessToken);
      expect(logged.status).toBe(201);
      if (logged.body.localDate === '2026-11-20') return logged.body;
      await api.delete(`/v1/nutrition/meals/${logged.body.id}`, member.accessToken);
      return undefined;
    });
    const onThe20th = await api.get('/v1/nutrition/meals?from=2026-11-20&to=2026-11-20', member.accessToken);
    expect(onThe20th.body.items.map((m: { id: string }) => m.id)).toEqual([meal.id]);
    const onThe21st = await api.get('/v1/nutrition/meals?from=2026-11-21&to=2026-11-21', member.accessToken);
    expect(onThe21st.body.items).toEqual([]);
    const day = await api.get('/v1/nutrition/days/2026-11-20', member.accessToken);
    expect(day.body).toMatchObject({ timezone: 'America/Los_Angeles', total: { eaten: { kcal: 123 } } });
    const events = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.logged',
      since: startedAt,
      where: (e) => (e.data as { mealId: string }).mealId === meal.id,
      expect: 1,
    });
    expect(events[0]!.data).toMatchObject({ localDate: '2026-11-20', timezone: 'America/Los_Angeles' });
  });
});

describe('idempotency', () => {
  it('logs a meal once when the phone retries with the same Idempotency-Key', async () => {
    const member = await registerMember(api);
    const body = { mealType: 'breakfast', items: [{ foodId: RICE, grams: 80 }] };
    const send = (key: string, payload: object = body) =>
      api.send('POST', '/v1/nutrition/meals', {
        body: payload,
        token: member.accessToken,
        headers: { 'idempotency-key': key },
      });
    const first = await send('meal-1');
    const again = await send('meal-1');
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const reused = await send('meal-1', { ...body, mealType: 'lunch' });
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
    expect((await api.get('/v1/nutrition/meals', member.accessToken)).body.items).toHaveLength(1);
  });

  it('logs a meal once even when the gateway no longer holds the first answer', async () => {
    // As after a timeout while the first request was being committed: the gateway dropped its
    // record (a 5xx is not kept), the meal exists, and the phone retries with the same key.
    const member = await registerMember(api);
    const body = { mealType: 'dinner', items: [{ foodId: RICE, grams: 120 }] };
    const send = () =>
      api.send('POST', '/v1/nutrition/meals', {
        body,
        token: member.accessToken,
        headers: { 'idempotency-key': 'dinner-1' },
      });
    const first = await send();
    expect(first.status).toBe(201);
    const gatewayCache = platform.services.gateway![0]!.app!.kit.cache as Cache;
    const hashed = createHash('sha256').update('dinner-1').digest('hex');
    await gatewayCache.del(`idem:user:${member.user.id}:nutrition.meals.create:${hashed}`);

    const retried = await send();
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull(); // carried out again by nutrition
    expect(retried.body.id).toBe(first.body.id);
    expect((await api.get('/v1/nutrition/meals', member.accessToken)).body.items).toHaveLength(1);
    const announced = await readEvents(platform.nc, {
      stream: 'NUTRITION',
      subject: 'nutrition.meal.logged',
      since: new Date(Date.now() - 60_000),
      where: (e) => e.subject === member.user.id,
    });
    expect(announced).toHaveLength(1);
  });
});
