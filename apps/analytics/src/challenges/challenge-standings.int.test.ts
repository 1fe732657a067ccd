import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChallengeMetric } from '@nxg/contracts';
import { migrate, openDatabase, platformMigrations, type Database } from '@nxg/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveSessionEnded, saveSessionStarted, saveSets } from '../activity/activity-store.ts';
import { award } from '../points/ledger-store.ts';
import { pointsRules } from '../points/rules.ts';
import { eraseSocial } from '../social/social-graph-store.ts';
import { challengeById, insertChallenge } from './challenge-store.ts';
import { freezeEndedChallenges } from './freeze-job.ts';
import { frozenStandings, liveStandings } from './standings.ts';

let db: Database;
const dir = mkdtempSync(join(tmpdir(), 'nxg-challenges-'));

beforeAll(async () => {
  db = await openDatabase({ service: 'analytics', dataDir: dir });
  await migrate(db, [
    platformMigrations,
    { scope: 'analytics', dir: fileURLToPath(new URL('../../migrations', import.meta.url)) },
  ]);
});
afterAll(async () => {
  await db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const branchId = randomUUID();
const [ana, ben, cy] = ['ana', 'ben', 'cy'];

/** A set lifted at an instant, as the activity and points consumers would keep it. */
async function lifted(userId: string, at: string, weightKg: number, reps: number) {
  const logId = randomUUID();
  await saveSets(db, [
    {
      userId,
      logId,
      exerciseName: 'Deadlift',
      reps,
      weightKg,
      durationS: null,
      source: 'manual',
      sessionId: null,
      at,
    },
  ]);
  await award(db, {
    rule: pointsRules.setLogged,
    userId,
    occasion: logId,
    sourceEventId: randomUUID(),
    occurredAt: at,
  });
}

async function trained(userId: string, startedAt: string, minutes: number) {
  const sessionId = randomUUID();
  await saveSessionStarted(db, { userId, sessionId, branchId, startedBy: 'member', at: startedAt });
  const endedAt = new Date(new Date(startedAt).getTime() + minutes * 60_000).toISOString();
  await saveSessionEnded(db, {
    userId,
    sessionId,
    branchId,
    reason: 'check-out',
    durationMinutes: minutes,
    at: endedAt,
  });
}

/** A challenge over the week of 16–22 November in Auckland (UTC+13): 15 Nov 11:00Z to 22 Nov 11:00Z. */
async function challengeOver(metric: ChallengeMetric): Promise<string> {
  const id = randomUUID();
  await insertChallenge(db, {
    id,
    branchId,
    name: `Week of ${metric}`,
    metric,
    startsAt: '2026-11-16',
    endsAt: '2026-11-22',
    timeZone: 'Pacific/Auckland',
    createdBy: 'staff',
  });
  // Cy joins first, then Ana, then Ben: equal figures rank by who joined first.
  for (const [i, userId] of [cy, ana, ben].entries()) {
    await db.query(
      `INSERT INTO challenge_entrants (challenge_id, user_id, joined_at) VALUES ($1, $2, now() + make_interval(secs => $3))`,
      [id, userId, i],
    );
  }
  return id;
}

const windowOf = async (id: string) => {
  const row = (await challengeById(db, ana, id))!;
  return { id, metric: row.metric, opensAt: row.opens_at, closesAt: row.closes_at };
};
const figures = (standings: { userId: string | null; value: number }[]) =>
  standings.map((s) => [s.userId, s.value]);

describe('challenge standings at the edges of the branch’s days', () => {
  const ids = {} as Record<ChallengeMetric, string>;

  beforeAll(async () => {
    for (const metric of ['points', 'sessions', 'volume', 'minutes'] as const)
      ids[metric] = await challengeOver(metric);
    await lifted(ana, '2026-11-15T10:59:59.000Z', 100, 5); // Sunday 23:59:59 in Auckland: the week before
    await lifted(ana, '2026-11-15T11:00:00.000Z', 100, 1); // Monday 00:00: the first instant of the challenge
    await lifted(ben, '2026-11-22T10:59:59.000Z', 60, 5); // Sunday 22nd 23:59:59: the last instant
    await lifted(ben, '2026-11-22T11:00:00.000Z', 1000, 1); // Monday 23rd 00:00: too late
    await lifted(cy, '2026-11-14T12:00:00.000Z', 200, 3); // well before
    await trained(ana, '2026-11-15T10:30:00.000Z', 60); // began before the first midnight: not counted
    await trained(ben, '2026-11-16T08:00:00.000Z', 45);
    await trained(ana, '2026-11-22T10:59:00.000Z', 20); // began in the last minute of the last day: counted
    await trained(cy, '2026-11-22T11:00:00.000Z', 30); // began at the midnight after it: not counted
  });

  it('counts what happened from the first local midnight up to the one after the last day, for every metric', async () => {
    expect((await challengeById(db, ana, ids.volume))!.opens_at).toEqual(
      new Date('2026-11-15T11:00:00.000Z'),
    );
    expect((await challengeById(db, ana, ids.volume))!.closes_at).toEqual(
      new Date('2026-11-22T11:00:00.000Z'),
    );
    // In UTC days Ana's Monday set would fall outside and Ben's late one inside: 0 and 1300 kg.
    expect(figures(await liveStandings(db, await windowOf(ids.volume)))).toEqual([
      [ben, 300],
      [ana, 100],
      [cy, 0],
    ]);
    // One point each: Ana joined before Ben, so she ranks first.
    expect(figures(await liveStandings(db, await windowOf(ids.points)))).toEqual([
      [ana, 1],
      [ben, 1],
      [cy, 0],
    ]);
    // One session each for Ana and Ben (Ana joined first); Cy's began a minute too late.
    expect(figures(await liveStandings(db, await windowOf(ids.sessions)))).toEqual([
      [ana, 1],
      [ben, 1],
      [cy, 0],
    ]);
    expect(figures(await liveStandings(db, await windowOf(ids.minutes)))).toEqual([
      [ben, 45],
      [ana, 20],
      [cy, 0],
    ]);
  });

  it('freezes the final standings once the last local day is over, once, announcing each entrant’s place', async () => {
    const results = async () =>
      (
        await db.query<{ payload: { data: { challengeId: string; userId: string; rank: number } } }>(
          `SELECT payload FROM outbox WHERE subject LIKE '%analytics.challenge.result' ORDER BY payload->'data'->>'rank'`,
        )
      ).filter((r) => r.payload.data.challengeId === ids.volume);

    expect(await freezeEndedChallenges(db, new Date('2026-11-22T10:59:59.999Z'))).toBe(0);
    expect(await frozenStandings(db, ids.volume)).toEqual([]);

    expect(await freezeEndedChallenges(db, new Date('2026-11-22T11:00:00.000Z'))).toBe(4);
    expect(figures(await frozenStandings(db, ids.volume))).toEqual([
      [ben, 300],
      [ana, 100],
      [cy, 0],
    ]);
    expect((await results()).map((r) => [r.payload.data.userId, r.payload.data.rank])).toEqual([
      [ben, 1],
      [ana, 2],
      [cy, 3],
    ]);

    // A set inside the window that arrives late, and a second run: the final standings stay.
    await lifted(cy, '2026-11-20T00:00:00.000Z', 500, 1);
    expect(await freezeEndedChallenges(db, new Date('2026-11-23T00:00:00.000Z'))).toBe(0);
    expect(figures(await frozenStandings(db, ids.volume))).toEqual([
      [ben, 300],
      [ana, 100],
      [cy, 0],
    ]);
    expect(await results()).toHaveLength(3);

    // An entrant erased after the end is gone from the final standings, and no place is left empty.
    await db.transaction((tx) => eraseSocial(tx, ben));
    expect((await frozenStandings(db, ids.volume)).map((s) => [s.rank, s.userId])).toEqual([
      [1, ana],
      [2, cy],
    ]);
  });
});
