import { analytics } from '@nxg/contracts';
import { bind, defineFeature, requireUser } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { dayIn, parseLocalDate, periodContaining } from '../periods.ts';
import { branchTimeZones } from './branch-time-zones.ts';
import { branchStandings } from './leaderboard-store.ts';
import { withoutBlockers } from '../social/social-graph-store.ts';

/**
 * Branch leaderboards: the points ledger ranked per branch over a calendar week or month of the
 * branch's time zone, computed when asked (an erased member's awards are gone from the ledger).
 */
export const leaderboardsFeature = defineFeature<AnalyticsDeps>({
  name: 'leaderboards',
  operations: ({ db, nc }) => {
    const timeZoneOf = branchTimeZones(nc);
    return [
      bind(analytics.branchLeaderboard, async ({ branchId, period = 'week', from, limit = 10 }, ctx) => {
        const userId = requireUser(ctx);
        if (from) parseLocalDate(from); // a bad date is the caller's 400 before any lookup
        const timeZone = await timeZoneOf(branchId);
        const range = periodContaining(period, from ?? dayIn(timeZone, new Date()));
        const standings = await branchStandings(db, branchId, timeZone, range, limit, userId);
        // A member who blocked the caller shows as a rank without a name.
        const items = await withoutBlockers(db, userId, standings.items);
        return { branchId, period, ...range, timeZone, ...standings, items };
      }),
    ];
  },
});
