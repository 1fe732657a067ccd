import { workout, WorkoutErrors } from '@nxg/contracts';
import { AppError, bind, decodeCursor, forbidden, toPage, requireUser, type Binding } from '@nxg/platform';
import type { WorkoutDeps } from '../deps.ts';
import {
  activeSession,
  activeAtBranch,
  endSession,
  sessionsPage,
  startSession,
  toSession,
} from './session-store.ts';

const noSession = () => new AppError(404, WorkoutErrors.NO_ACTIVE_SESSION, 'You are not checked in');

/** Check-in, check-out and the member's sessions. */
export function sessionBindings({ db }: WorkoutDeps): Binding[] {
  return [
    bind(workout.checkIn, async ({ branchId }, ctx) => {
      const userId = requireUser(ctx);
      const row = await db.transaction((tx) => startSession(tx, userId, branchId, 'check-in'));
      if (!row)
        throw new AppError(
          409,
          WorkoutErrors.SESSION_ALREADY_ACTIVE,
          'You are already checked in; check out first',
        );
      return toSession(row);
    }),

    bind(workout.checkOut, async (_input, ctx) => {
      const userId = requireUser(ctx);
      const current = await activeSession(db, userId);
      if (!current) throw noSession();
      const ended = await db.transaction((tx) => endSession(tx, current.id, 'check-out'));
      if (!ended) throw noSession();
      return toSession(ended);
    }),

    bind(workout.currentSession, async (_input, ctx) => {
      const current = await activeSession(db, requireUser(ctx));
      if (!current) throw noSession();
      return toSession(current);
    }),

    bind(workout.membersInGym, async ({ branchId, limit = 20, cursor }, ctx) => {
      if (!ctx.roles.includes('platform_admin') && ctx.branchRoles[branchId] === undefined)
        throw forbidden("Only this branch's staff may see who is in its gym");
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;
      const rows = await activeAtBranch(db, branchId, limit + 1, after);
      return toPage(
        rows.map((r) => ({
          sessionId: r.id,
          userId: r.user_id,
          displayName: r.name.split(' ')[0] || 'Member',
          since: new Date(r.started_at).toISOString(),
          lastActivityAt: new Date(r.last_activity_at).toISOString(),
          startedBy: r.started_by,
          machinesUsed: r.machines_used,
        })),
        limit,
        (last) => [last.since, last.sessionId],
      );
    }),

    bind(workout.listSessions, async ({ limit = 20, cursor }, ctx) => {
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;
      const rows = await sessionsPage(db, requireUser(ctx), limit + 1, after);
      return toPage(rows.map(toSession), limit, (last) => [last.startedAt, last.id]);
    }),
  ];
}
