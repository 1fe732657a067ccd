import { analytics, identity } from '@nxg/contracts';
import { bind, callOperation, defineFeature, requireUser } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { memberTimeZone } from '../members/member-transaction.ts';
import { addDays, dayIn, periodContaining } from '../periods.ts';
import { bodyTrendOf } from './body-trend.ts';

const systemContext = { requestId: 'analytics-body-trend', roles: [], branchRoles: {} };

/**
 * The body-composition trend. Identity keeps health data; analytics asks it for the member's
 * measurements of the period (an internal operation only analytics may call), rolls them up by the
 * member's days like every other analytics figure, and keeps none of them.
 */
export const bodyFeature = defineFeature<AnalyticsDeps>({
  name: 'body',
  operations: ({ db, nc }) => [
    bind(analytics.bodyTrend, async ({ period = 'month', from }, ctx) => {
      const userId = requireUser(ctx);
      const timeZone = await memberTimeZone(db, userId);
      const range = periodContaining(period, from ?? dayIn(timeZone, new Date()));
      // A UTC window wide enough for any zone; each measurement is then put on its member's day.
      const { items } = await callOperation(
        nc,
        identity.bodyCompositionSeries,
        {
          userId,
          from: `${addDays(range.from, -1)}T00:00:00.000Z`,
          to: `${addDays(range.to, 2)}T00:00:00.000Z`,
        },
        systemContext,
        { timeoutMs: 2000 },
      );
      const rows = await db.query<{ day: string }>(
        `SELECT (t AT TIME ZONE member_zone_at($1, t))::date::text AS day
         FROM unnest($2::timestamptz[]) WITH ORDINALITY AS u(t, n) ORDER BY n`,
        [userId, items.map((m) => m.measuredAt)],
      );
      const dayOf = new Map(items.map((m, i) => [m, rows[i]!.day]));
      const inRange = items.filter((m) => dayOf.get(m)! >= range.from && dayOf.get(m)! <= range.to);
      return { period, ...range, timeZone, ...bodyTrendOf(inRange, (m) => dayOf.get(m)!) };
    }),
  ],
});
