import { workoutEvents } from '@nxg/contracts';
import { consumeBatch, defineFeature } from '@nxg/platform';
import { saveSets } from '../activity/activity-store.ts';
import type { AnalyticsDeps } from '../deps.ts';
import { EVENTS_PER_BATCH } from '../members/member-order.ts';
import { LOGGED_SETS_LOCK_SPACE, membersTransaction } from '../members/member-transaction.ts';
import { awardLoggedSets } from '../points/set-points.ts';
import { judgeRecords } from '../records/judge-records.ts';
import { recordCandidates } from '../records/record-candidates.ts';

/**
 * Logged sets, the busiest stream: one durable consumer writes what a batch of them means to every
 * read model they feed (the sets, the personal records they beat, the points and achievements they
 * earn) in one transaction, so each set is delivered, checked and acknowledged once.
 */
export const loggedSetsFeature = defineFeature<AnalyticsDeps>({
  name: 'logged-sets',
  consumers: ({ db }) => [
    consumeBatch(
      'analytics_logged_sets',
      workoutEvents.exerciseLogged,
      async (events) => {
        await membersTransaction(
          db,
          events.map((e) => e.data.userId),
          async (tx, kept) => {
            const sets = events.filter((e) => kept.has(e.data.userId));
            await saveSets(
              tx,
              sets.map((e) => e.data),
            );
            await judgeRecords(
              tx,
              sets.map(({ id, data }) => ({
                facts: { ...data, at: new Date(data.at).toISOString() },
                candidates: recordCandidates(data),
                eventId: id,
                sessionId: data.sessionId,
              })),
            );
            await awardLoggedSets(tx, sets);
          },
          // Records and training days are judged against what the member's earlier sets left.
          { shared: true, ownSpace: LOGGED_SETS_LOCK_SPACE },
        );
      },
      { max: EVENTS_PER_BATCH },
    ),
  ],
});
