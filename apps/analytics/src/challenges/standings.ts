import type { ChallengeMetric } from '@nxg/contracts';
import type { Queryable } from '@nxg/platform';

/**
 * Each metric as SQL over analytics' read models (the same rows its progress and leaderboards
 * come from): an entrant's figure for activity in [$2, $3), wherever they trained.
 */
const metricSql: Record<ChallengeMetric, string> = {
  points: `SELECT COALESCE(sum(points), 0)::float8 FROM points_ledger
           WHERE user_id = e.user_id AND occurred_at >= $2 AND occurred_at < $3`,
  sessions: `SELECT count(*)::float8 FROM sessions
             WHERE user_id = e.user_id AND started_at >= $2 AND started_at < $3`,
  minutes: `SELECT COALESCE(sum(duration_minutes), 0)::float8 FROM sessions
            WHERE user_id = e.user_id AND started_at >= $2 AND started_at < $3`,
  volume: `SELECT COALESCE(sum(weight_kg * reps), 0)::float8 FROM sets
           WHERE user_id = e.user_id AND performed_at >= $2 AND performed_at < $3`,
};

export interface Standing {
  rank: number;
  userId: string;
  displayName: string;
  value: number;
}

export interface ChallengeWindow {
  id: string;
  metric: ChallengeMetric;
  opensAt: Date;
  closesAt: Date;
}

/** Every entrant ranked by the metric; equal figures: who joined first ranks higher, then the id. */
export async function liveStandings(db: Queryable, c: ChallengeWindow): Promise<Standing[]> {
  const rows = await db.query<{ user_id: string; display_name: string | null; value: number; rank: number }>(
    `SELECT e.user_id, m.display_name, v.value,
       row_number() OVER (ORDER BY v.value DESC, e.joined_at ASC, e.user_id ASC)::int AS rank
     FROM challenge_entrants e LEFT JOIN members m ON m.user_id = e.user_id
     CROSS JOIN LATERAL (${metricSql[c.metric]}) AS v(value)
     WHERE e.challenge_id = $1 ORDER BY rank`,
    [c.id, c.opensAt, c.closesAt],
  );
  return rows.map((r) => ({
    rank: r.rank,
    userId: r.user_id,
    displayName: r.display_name || 'Member',
    value: Math.round(Number(r.value) * 10) / 10,
  }));
}

/** The standings frozen when the challenge ended (an erased entrant's row is gone, the others move up). */
export async function frozenStandings(db: Queryable, challengeId: string): Promise<Standing[]> {
  const rows = await db.query<{ user_id: string; display_name: string | null; value: number; rank: number }>(
    // Numbered again when read: an entrant erased after the end leaves no gap.
    `SELECT s.user_id, m.display_name, s.value, row_number() OVER (ORDER BY s.rank)::int AS rank FROM challenge_standings s
     LEFT JOIN members m ON m.user_id = s.user_id WHERE s.challenge_id = $1 ORDER BY s.rank`,
    [challengeId],
  );
  return rows.map((r) => ({
    rank: r.rank,
    userId: r.user_id,
    displayName: r.display_name || 'Member',
    value: Number(r.value),
  }));
}
