import type { Challenge, ChallengeMetric } from '@nxg/contracts';
import { decodeCursor, toPage, type Queryable } from '@nxg/platform';

export interface ChallengeRow {
  id: string;
  branch_id: string;
  name: string;
  metric: ChallengeMetric;
  starts_on: string;
  ends_on: string;
  time_zone: string;
  opens_at: Date;
  closes_at: Date;
  finished_at: Date | null;
  entrants: number;
  joined: boolean;
  [key: string]: unknown;
}

/** $1 is the caller: whether they joined. */
const COLUMNS = `c.id, c.branch_id, c.name, c.metric, c.starts_on::text AS starts_on, c.ends_on::text AS ends_on,
  c.time_zone, c.opens_at, c.closes_at, c.finished_at,
  (SELECT count(*)::int FROM challenge_entrants e WHERE e.challenge_id = c.id) AS entrants,
  EXISTS (SELECT 1 FROM challenge_entrants e WHERE e.challenge_id = c.id AND e.user_id = $1) AS joined`;

export function toChallenge(r: ChallengeRow, now = new Date()): Challenge {
  const opensAt = new Date(r.opens_at);
  const closesAt = new Date(r.closes_at);
  return {
    id: r.id,
    branchId: r.branch_id,
    name: r.name,
    metric: r.metric,
    startsAt: r.starts_on,
    endsAt: r.ends_on,
    timeZone: r.time_zone,
    opensAt: opensAt.toISOString(),
    closesAt: closesAt.toISOString(),
    status: r.finished_at || closesAt <= now ? 'finished' : opensAt <= now ? 'running' : 'upcoming',
    entrants: r.entrants,
    joined: r.joined,
  };
}

export interface NewChallenge {
  id: string;
  branchId: string;
  name: string;
  metric: ChallengeMetric;
  startsAt: string;
  endsAt: string;
  timeZone: string;
  createdBy: string;
}

/** Saves a challenge; its instants are its first and day-after-last midnights in the branch's zone. */
export async function insertChallenge(db: Queryable, c: NewChallenge): Promise<void> {
  await db.query(
    `INSERT INTO challenges (id, branch_id, name, metric, starts_on, ends_on, time_zone, opens_at, closes_at, created_by)
     VALUES ($1, $2, $3, $4, $5::date, $6::date, $7,
       ($5::date::timestamp AT TIME ZONE $7), (($6::date + 1)::timestamp AT TIME ZONE $7), $8)`,
    [c.id, c.branchId, c.name, c.metric, c.startsAt, c.endsAt, c.timeZone, c.createdBy],
  );
}

export async function challengeById(
  db: Queryable,
  viewer: string,
  id: string,
): Promise<ChallengeRow | undefined> {
  const [row] = await db.query<ChallengeRow>(`SELECT ${COLUMNS} FROM challenges c WHERE c.id = $2`, [
    viewer,
    id,
  ]);
  return row;
}

export async function challengesOfBranch(
  db: Queryable,
  viewer: string,
  branchId: string,
  limit: number,
  cursor?: string,
): Promise<{ items: Challenge[]; nextCursor: string | null }> {
  const [startsOn, id] = cursor ? decodeCursor(cursor, 2) : [null, null];
  const rows = await db.query<ChallengeRow>(
    `SELECT ${COLUMNS} FROM challenges c WHERE c.branch_id = $2
       AND ($3::date IS NULL OR (c.starts_on, c.id) < ($3::date, $4::text))
     ORDER BY c.starts_on DESC, c.id DESC LIMIT $5`,
    [viewer, branchId, startsOn, id, limit + 1],
  );
  const now = new Date();
  return toPage(
    rows.map((r) => toChallenge(r, now)),
    limit,
    (last) => [last.startsAt, last.id],
  );
}

/** Whether the member has trained at the branch: a gym session there, as analytics knows it. */
export async function hasTrainedAt(db: Queryable, userId: string, branchId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM sessions WHERE user_id = $1 AND branch_id = $2 LIMIT 1', [
    userId,
    branchId,
  ]);
  return rows.length > 0;
}
