import { socialEvents, type ChallengeMetric } from '@nxg/contracts';
import { enqueueEvents, type Database } from '@nxg/platform';
import { liveStandings } from './standings.ts';

const BATCH = 20;

/**
 * Freezes the standings of challenges whose last day (branch time) is over: written once, with
 * one `analytics.challenge.result` per entrant in the same transaction. Replicas skip challenges
 * another is freezing (SKIP LOCKED); a challenge is frozen once, as `finished_at` says.
 */
export async function freezeEndedChallenges(db: Database, now = new Date()): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx.query<{
      id: string;
      branch_id: string;
      name: string;
      metric: ChallengeMetric;
      opens_at: Date;
      closes_at: Date;
    }>(
      `SELECT id, branch_id, name, metric, opens_at, closes_at FROM challenges
       WHERE finished_at IS NULL AND closes_at <= $1 ORDER BY closes_at LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      [now],
    );
    for (const c of due) {
      const standings = await liveStandings(tx, {
        id: c.id,
        metric: c.metric,
        opensAt: c.opens_at,
        closesAt: c.closes_at,
      });
      for (const s of standings) {
        await tx.query(
          'INSERT INTO challenge_standings (challenge_id, user_id, rank, value) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [c.id, s.userId, s.rank, s.value],
        );
      }
      await tx.query('UPDATE challenges SET finished_at = $2 WHERE id = $1', [c.id, now]);
      await enqueueEvents(
        tx,
        standings.map((s) => ({
          event: socialEvents.challengeResult,
          subject: s.userId,
          data: {
            challengeId: c.id,
            branchId: c.branch_id,
            name: c.name,
            metric: c.metric,
            userId: s.userId,
            rank: s.rank,
            value: s.value,
            entrants: standings.length,
            at: new Date(c.closes_at).toISOString(),
          },
        })),
      );
    }
    return due.length;
  });
}
