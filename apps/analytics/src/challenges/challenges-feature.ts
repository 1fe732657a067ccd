import { social, SocialErrors, type ChallengeStanding, type RequestContext } from '@nxg/contracts';
import { AppError, bind, defineFeature, requireUser, uuidv7 } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { branchTimeZones } from '../leaderboards/branch-time-zones.ts';
import { daysOf, parseLocalDate } from '../periods.ts';
import { withoutBlockers } from '../social/social-graph-store.ts';
import { socialTransaction } from '../social/social-transaction.ts';
import {
  challengeById,
  challengesOfBranch,
  hasTrainedAt,
  insertChallenge,
  toChallenge,
} from './challenge-store.ts';
import { freezeEndedChallenges } from './freeze-job.ts';
import { frozenStandings, liveStandings } from './standings.ts';

const MAX_DAYS = 366;

const notFound = () => new AppError(404, SocialErrors.CHALLENGE_NOT_FOUND, 'No such challenge');
const isStaffOf = (ctx: RequestContext, branchId: string) =>
  ctx.roles.includes('platform_admin') || Boolean(ctx.branchRoles[branchId]);

/**
 * Branch challenges: staff open one over whole days of the branch's time zone, members who train
 * there join, the leaderboard is computed live from analytics' read models until a job freezes
 * the final standings once the last day is over.
 */
export const challengesFeature = defineFeature<AnalyticsDeps>({
  name: 'challenges',
  jobs: ({ db, config }) => [
    {
      name: 'freeze-ended-challenges',
      everyMs: config.CHALLENGE_FREEZE_EVERY_MS,
      run: async () => {
        await freezeEndedChallenges(db);
      },
    },
  ],
  operations: ({ db, nc }) => {
    const timeZoneOf = branchTimeZones(nc);
    return [
      bind(social.createChallenge, async (input, ctx) => {
        const me = requireUser(ctx);
        if (!isStaffOf(ctx, input.branchId)) {
          throw new AppError(
            403,
            SocialErrors.NOT_BRANCH_STAFF,
            'Only staff of this branch may open its challenges',
          );
        }
        const [from, to] = [parseLocalDate(input.startsAt), parseLocalDate(input.endsAt)];
        if (to < from || daysOf({ from: input.startsAt, to: input.endsAt }).length > MAX_DAYS) {
          throw new AppError(
            400,
            SocialErrors.CHALLENGE_DATES_INVALID,
            'endsAt must be on or after startsAt, within a year',
          );
        }
        const timeZone = await timeZoneOf(input.branchId);
        const id = uuidv7();
        await insertChallenge(db, { ...input, id, timeZone, createdBy: me });
        return toChallenge((await challengeById(db, me, id))!);
      }),

      bind(social.joinChallenge, async ({ id }, ctx) => {
        const me = requireUser(ctx);
        const challenge = await challengeById(db, me, id);
        if (!challenge) throw notFound();
        if (challenge.finished_at || new Date(challenge.closes_at) <= new Date()) {
          throw new AppError(409, SocialErrors.CHALLENGE_ENDED, 'The challenge is over');
        }
        if (!isStaffOf(ctx, challenge.branch_id) && !(await hasTrainedAt(db, me, challenge.branch_id))) {
          throw new AppError(
            403,
            SocialErrors.NOT_BRANCH_MEMBER,
            'Train at this branch to join its challenges',
          );
        }
        await socialTransaction(db, [me], (tx) =>
          tx.query(
            'INSERT INTO challenge_entrants (challenge_id, user_id, joined_at) VALUES ($1, $2, now()) ON CONFLICT DO NOTHING',
            [id, me],
          ),
        );
        return toChallenge((await challengeById(db, me, id))!);
      }),

      bind(social.listChallenges, ({ branchId, limit = 20, cursor }, ctx) =>
        challengesOfBranch(db, requireUser(ctx), branchId, limit, cursor),
      ),

      bind(social.challengeLeaderboard, async ({ id, limit = 20 }, ctx) => {
        const me = requireUser(ctx);
        const row = await challengeById(db, me, id);
        if (!row) throw notFound();
        const final = row.finished_at !== null;
        const standings = final
          ? await frozenStandings(db, id)
          : await liveStandings(db, {
              id,
              metric: row.metric,
              opensAt: row.opens_at,
              closesAt: row.closes_at,
            });
        const mine = standings.find((s) => s.userId === me);
        return {
          challenge: toChallenge(row),
          final,
          // Whoever blocked the caller keeps their place, not their name.
          items: await withoutBlockers<ChallengeStanding>(db, me, standings.slice(0, limit)),
          me: mine ? { rank: mine.rank, value: mine.value } : null,
        };
      }),
    ];
  },
});
