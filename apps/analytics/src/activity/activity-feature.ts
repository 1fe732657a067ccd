import { analytics, machineEvents, workoutEvents } from '@nxg/contracts';
import { bind, consume, defineFeature, requireUser } from '@nxg/platform';
import type { AnalyticsDeps } from '../deps.ts';
import { byMember } from '../members/member-order.ts';
import { memberTimeZone, memberTransaction } from '../members/member-transaction.ts';
import { dayIn, periodContaining } from '../periods.ts';
import {
  saveLinkEdge,
  savePlan,
  saveSessionEnded,
  saveSessionStarted,
  saveUnlinked,
} from './activity-store.ts';
import { workoutSummary } from './workout-summary.ts';

/**
 * The body weight MET estimates assume: a reference adult. Analytics keeps no health figures (the
 * member's weight stays in identity), so estimated kcal are the same for every member of a workout.
 */
export const REFERENCE_BODY_WEIGHT_KG = 70;

/**
 * Workout progress: sessions, sets (written by logged-sets-feature), machine links and the active
 * plan, kept from workout's and machine-hub's events, rolled up per day, week, month or year when asked.
 */
export const activityFeature = defineFeature<AnalyticsDeps>({
  name: 'activity',
  consumers: ({ db }) => [
    consume(
      'analytics_session_started',
      workoutEvents.sessionStarted,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) => saveSessionStarted(tx, data));
      },
      byMember,
    ),
    consume(
      'analytics_session_ended',
      workoutEvents.sessionEnded,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) => saveSessionEnded(tx, data));
      },
      byMember,
    ),
    consume(
      'analytics_plan_generated',
      workoutEvents.planGenerated,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) => savePlan(tx, data));
      },
      byMember,
    ),
    consume(
      'analytics_machine_linked',
      machineEvents.machineLinked,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) => saveLinkEdge(tx, data, 'linked_at'));
      },
      byMember,
    ),
    consume(
      'analytics_machine_unlinked',
      machineEvents.machineUnlinked,
      async ({ data }) => {
        await memberTransaction(db, data.userId, (tx) => saveUnlinked(tx, data));
      },
      byMember,
    ),
  ],
  operations: ({ db }) => [
    bind(analytics.workoutSummary, async ({ period = 'week', from }, ctx) => {
      const userId = requireUser(ctx);
      const timeZone = await memberTimeZone(db, userId);
      const range = periodContaining(period, from ?? dayIn(timeZone, new Date()));
      return workoutSummary(db, userId, timeZone, period, range, REFERENCE_BODY_WEIGHT_KG);
    }),
  ],
});
