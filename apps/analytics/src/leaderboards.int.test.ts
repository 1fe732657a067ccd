import { randomUUID } from 'node:crypto';
import { adminEnv, openGym, readEvents, registerMember, usePlatform, waitFor, type Gym } from '@nxg/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { READ_MODEL_TABLES } from './read-model-tables.ts';
import { analyticsCaughtUp, publishEnvelope } from './test-support.ts';

const { platform, api } = usePlatform({
  replicas: { workout: 1, analytics: 1 },
  env: { identity: adminEnv },
});
let gym: Gym;
let auckland: string;
const startedAt = new Date();

beforeAll(async () => {
  gym = await openGym(platform, 'Leaderboards');
  const branch = await api.post(
    '/v1/branches',
    { name: `Auckland ${Date.now()}`, address: '1 Queen Street', timezone: 'Pacific/Auckland' },
    gym.adminToken,
  );
  expect(branch.status).toBe(201);
  auckland = branch.body.id;
});

type Member = Awaited<ReturnType<typeof registerMember>>;

/** A member who trained at a branch: checked in, logged the sets at the given instants, checked out. */
async function trainedAt(branchId: string, name: string, performedAt: string[]): Promise<Member> {
  const member = await registerMember(api, { name });
  const token = member.accessToken;
  expect((await api.post('/v1/sessions/check-in', { branchId }, token)).status).toBe(201);
  for (const at of performedAt) {
    const logged = await api.post(
      '/v1/workouts/logs',
      { exerciseId: 'deadlift', weightKg: 100, reps: 5, performedAt: at },
      token,
    );
    expect(logged.status).toBe(201);
  }
  expect((await api.post('/v1/sessions/check-out', undefined, token)).status).toBe(200);
  return member;
}

const board = (branchId: string, query: string, token: string) =>
  api.get(`/v1/leaderboards/branches/${branchId}?${query}`, token);
const names = (body: { items: { displayName: string }[] }) => body.items.map((i) => i.displayName);

describe('a branch leaderboard', () => {
  it('follows the branch’s time zone across week and month boundaries, ranks ties by who got there first, and shows the member’s own place outside the top', async () => {
    // Pacific/Auckland is UTC+13 in November: 11:00 UTC on Sunday the 15th is midnight starting Monday the 16th.
    const ana = await trainedAt(auckland, 'Ana', ['2026-11-15T10:30:00.000Z']); // Sunday 23:30 there
    await trainedAt(auckland, 'Ben', ['2026-11-15T11:30:00.000Z']); // Monday 00:30
    await trainedAt(auckland, 'Cy', ['2026-11-15T12:00:00.000Z', '2026-11-15T12:05:00.000Z']);
    const dee = await trainedAt(auckland, 'Dee', ['2026-11-15T13:00:00.000Z']);
    const eve = await trainedAt(auckland, 'Eve', ['2026-10-31T11:30:00.000Z']); // 1 November 00:30 there
    await waitFor(async () => {
      const month = await board(auckland, 'period=month&from=2026-11-01', dee.accessToken);
      return month.body.items.length === 5;
    });
    await waitFor(() => analyticsCaughtUp(platform.nc));

    // The week before holds Ana's Sunday evening only (in UTC all four trained on Sunday the 15th).
    const before = await board(auckland, 'period=week&from=2026-11-15', ana.accessToken);
    expect(before.body).toMatchObject({ from: '2026-11-09', to: '2026-11-15', timeZone: 'Pacific/Auckland' });
    expect(before.body.items).toEqual([{ rank: 1, userId: ana.user.id, displayName: 'Ana', points: 11 }]);
    expect(before.body.me).toEqual({ rank: 1, points: 11 });

    // Cy: two sets and a workout day (12); Ben and Dee 11 each, Ben first as he got there first.
    const week = await board(auckland, 'period=week&from=2026-11-20&limit=2', dee.accessToken);
    expect(week.body).toMatchObject({ from: '2026-11-16', to: '2026-11-22' });
    expect(week.body.items.map((i: { rank: number; points: number }) => [i.rank, i.points])).toEqual([
      [1, 12],
      [2, 11],
    ]);
    expect(names(week.body)).toEqual(['Cy', 'Ben']);
    expect(week.body.me).toEqual({ rank: 3, points: 11 });
    // Asked again, the order is the same.
    expect(
      (await board(auckland, 'period=week&from=2026-11-20&limit=2', ana.accessToken)).body.items,
    ).toEqual(week.body.items);
    // Someone without points there this week has no rank.
    expect((await board(auckland, 'period=week&from=2026-11-20', ana.accessToken)).body.me).toEqual({
      rank: null,
      points: 0,
    });

    // Eve trained in the first half hour of November there, still October in UTC.
    const october = await board(auckland, 'period=month&from=2026-10-15', eve.accessToken);
    expect(october.body).toMatchObject({ from: '2026-10-01', to: '2026-10-31' });
    expect(october.body.items).toEqual([]);
    const november = await board(auckland, 'period=month&from=2026-11-01&limit=100', eve.accessToken);
    // Eleven points each: the earliest to get there ranks first.
    expect(names(november.body)).toEqual(['Cy', 'Eve', 'Ana', 'Ben', 'Dee']);
    expect(november.body.me).toEqual({ rank: 2, points: 11 });
  });
});

describe('erasure', () => {
  it('removes the member from every read model and leaderboard, and a replayed event brings nothing back', async () => {
    const today = new Date().toISOString();
    const gone = await trainedAt(gym.branchId, 'Gone Soon', [today, today]);
    const stays = await trainedAt(gym.branchId, 'Stays', [today]);
    await waitFor(async () => {
      const week = await board(gym.branchId, 'period=week', stays.accessToken);
      return week.body.items.length === 2;
    });
    const logged = await readEvents(platform.nc, {
      stream: 'WORKOUT',
      subject: 'workout.exercise.logged',
      since: startedAt,
      where: (e) => e.subject === gone.user.id,
      expect: 2,
    });
    expect(logged).toHaveLength(2);

    expect((await api.delete('/v1/me', gone.accessToken)).status).toBe(204);
    const after = await waitFor(async () => {
      const week = await board(gym.branchId, 'period=week', stays.accessToken);
      return week.body.items.length === 1 ? week.body : undefined;
    });
    expect(after.items).toEqual([{ rank: 1, userId: stays.user.id, displayName: 'Stays', points: 11 }]);
    // The name shown follows the member's profile.
    expect((await api.patch('/v1/me/profile', { name: 'Still Here' }, stays.accessToken)).status).toBe(200);
    await waitFor(async () => {
      const week = await board(gym.branchId, 'period=week', stays.accessToken);
      return week.body.items[0]?.displayName === 'Still Here';
    });

    // JetStream hands analytics a set of the erased member again (a replay): nothing comes back.
    await publishEnvelope(platform, logged[0]!, { msgId: randomUUID() });
    await waitFor(() => analyticsCaughtUp(platform.nc));
    const db = platform.services.analytics![0]!.app!.kit.db;
    // Every read model but the tombstones (which hold no user id).
    const tables = READ_MODEL_TABLES.filter((t) => t !== 'erased_members');
    expect(tables).toContain('member_time_zones');
    for (const table of tables) {
      const rows = await db.query(`SELECT 1 FROM ${table} WHERE user_id = $1`, [gone.user.id]);
      expect(rows, table).toHaveLength(0);
    }
    const kept = await db.query('SELECT 1 FROM sets WHERE user_id = $1', [stays.user.id]);
    expect(kept).toHaveLength(1);
  });
});
