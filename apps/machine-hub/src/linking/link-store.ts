import { machineEvents, type MachineStatus } from '@nxg/contracts';
import { enqueueEvent, type Queryable } from '@nxg/platform';
import { announceStatus } from '../registry/machine-store.ts';
import { workoutSummary, type WorkoutTotalsState } from './workout-totals.ts';

export interface EndedLink {
  linkId: string;
  machineId: string;
  branchId: string;
  userId: string;
  reason: string;
  /** The machine's new status, when it changed. */
  status: MachineStatus | undefined;
}

/**
 * Ends an active link inside the caller's transaction, with its `unlinked` event (carrying the
 * workout's totals: `latest` when the caller holds the socket's newer figures, else the ones last
 * persisted) and the machine's status change. Resolves undefined when the link had already ended
 * (a repeat is no error).
 */
export async function endLink(
  tx: Queryable,
  where: { linkId?: string; machineId?: string; userId?: string },
  reason: string,
  staleAfterMs: number,
  latest?: WorkoutTotalsState,
): Promise<EndedLink | undefined> {
  // Every given field must match: a machine can only end its own link, a member only theirs.
  const columns = { linkId: 'l.id', machineId: 'l.machine_id', userId: 'l.user_id' } as const;
  const given = (Object.keys(columns) as (keyof typeof columns)[]).filter((key) => where[key] !== undefined);
  if (given.length === 0) throw new Error('endLink needs a link, machine or user');
  const condition = given.map((key, i) => `${columns[key]} = $${i + 2}`).join(' AND ');
  const params = given.map((key) => where[key]);
  const totals = `$${params.length + 2}::jsonb`;
  const [ended] = await tx.query<{
    id: string;
    machine_id: string;
    user_id: string;
    branch_id: string;
    name: string;
    type: string;
    workout: Partial<WorkoutTotalsState> | null;
    duration_s: number;
  }>(
    `UPDATE links l SET ended_at = now(), end_reason = $1, workout = COALESCE(${totals}, l.workout)
     FROM machines m
     WHERE m.id = l.machine_id AND l.ended_at IS NULL AND ${condition}
     RETURNING l.id, l.machine_id, l.user_id, m.branch_id, m.name, m.type, l.workout,
       extract(epoch FROM l.ended_at - l.started_at)::float8 AS duration_s`,
    [reason, ...params, latest ? JSON.stringify(latest) : null],
  );
  if (!ended) return undefined;
  await enqueueEvent(tx, {
    event: machineEvents.machineUnlinked,
    subject: ended.machine_id,
    natsSubject: machineEvents.machineSubject(ended.branch_id, ended.machine_id, 'unlinked'),
    data: {
      linkId: ended.id,
      machineId: ended.machine_id,
      branchId: ended.branch_id,
      userId: ended.user_id,
      reason,
      at: new Date().toISOString(),
      workout: workoutSummary(ended.workout, ended, Number(ended.duration_s)),
    },
  });
  const status = await announceStatus(tx, ended.machine_id, staleAfterMs);
  return {
    linkId: ended.id,
    machineId: ended.machine_id,
    branchId: ended.branch_id,
    userId: ended.user_id,
    reason,
    status,
  };
}
