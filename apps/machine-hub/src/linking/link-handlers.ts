import {
  identity,
  machineEvents,
  machines,
  workout,
  type PlannedExercise,
  type RequestContext,
  HubErrors,
} from '@nxg/contracts';
import {
  AppError,
  bind,
  callOperation,
  enqueueEvent,
  type Binding,
  requireUser,
  uuidv7,
} from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { announceStatus, deriveStatus, findMachine, toMachine } from '../registry/machine-store.ts';
import { announceStatusChange, announceUnlink } from './link-notices.ts';
import { endLink } from './link-store.ts';

/** QR linking: a member scans the code the machine shows, and the two are linked until one ends it. */
export function linkBindings(deps: HubDeps): Binding[] {
  const { db, qr, live, staleAfterMs } = deps;

  /** The member's first name as the machine greets them; a stand-in if identity does not answer. */
  const displayName = async (ctx: Parameters<Binding['handle']>[1]) => {
    try {
      const me = await callOperation(deps.nc, identity.getMe, {}, ctx, { timeoutMs: 1000 });
      return me.profile.name.split(' ')[0] ?? 'Member';
    } catch {
      return 'Member';
    }
  };

  /** The member's planned exercises for this kind of machine, if workout answers in time. */
  const plannedFor = async (
    userId: string,
    machineType: string,
    ctx: RequestContext,
  ): Promise<PlannedExercise[]> => {
    try {
      return (
        await callOperation(deps.nc, workout.plannedForMachine, { userId, machineType }, ctx, {
          timeoutMs: 500,
        })
      ).exercises;
    } catch {
      return [];
    }
  };

  return [
    bind(machines.link, async ({ qrToken }, ctx) => {
      const userId = requireUser(ctx);
      const { machineId, nonce } = qr.verify(qrToken);
      const linkId = uuidv7();
      const linked = await db
        .transaction(async (tx) => {
          const redeemed = await tx.query(
            'INSERT INTO qr_redemptions (nonce, machine_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING nonce',
            [nonce, machineId],
          );
          if (redeemed.length === 0)
            throw new AppError(
              409,
              HubErrors.QR_TOKEN_USED,
              'This QR code was already used; scan the new one',
            );
          const machine = await findMachine(tx, machineId, true);
          // FOR UPDATE: a decommission in progress commits first, then this sees it.
          if (!machine || machine.decommissioned_at)
            throw new AppError(404, HubErrors.MACHINE_NOT_FOUND, 'The machine no longer exists');
          const status = deriveStatus(machine, staleAfterMs);
          if (status === 'occupied')
            throw new AppError(409, HubErrors.MACHINE_OCCUPIED, 'Someone is training on this machine');
          if (status !== 'available')
            throw new AppError(409, HubErrors.MACHINE_UNAVAILABLE, `The machine is ${status}`);
          await tx.query('INSERT INTO links (id, machine_id, user_id) VALUES ($1, $2, $3)', [
            linkId,
            machineId,
            userId,
          ]);
          await enqueueEvent(tx, {
            event: machineEvents.machineLinked,
            subject: machineId,
            natsSubject: machineEvents.machineSubject(machine.branch_id, machineId, 'linked'),
            data: { linkId, machineId, branchId: machine.branch_id, userId, at: new Date().toISOString() },
          });
          const changed = await announceStatus(tx, machineId, staleAfterMs);
          return { machine: toMachine((await findMachine(tx, machineId))!, staleAfterMs), changed };
        })
        .catch((error: unknown) => {
          // The partial unique index: this member is linked elsewhere already.
          if ((error as { code?: string }).code === '23505') {
            throw new AppError(
              409,
              HubErrors.ALREADY_LINKED,
              'You are linked to another machine; unlink it first',
            );
          }
          throw error;
        });
      const [name, plan] = await Promise.all([
        displayName(ctx),
        plannedFor(userId, linked.machine.type, ctx),
      ]);
      // Kept for the branch's staff and for a machine that reconnects mid-workout.
      await db.query('UPDATE links SET display_name = $2 WHERE id = $1', [linkId, name]);
      live.command(machineId, { type: 'linked', linkId, userId, displayName: name, plan });
      live.toMember(userId, 'linked', { linkId, machine: linked.machine });
      live.toBranch(linked.machine.branchId, 'machine.linked', {
        machineId,
        linkId,
        userId,
        displayName: name,
        since: new Date().toISOString(),
      });
      announceStatusChange(deps, linked.machine.branchId, machineId, linked.changed);
      return { machine: linked.machine, linkId };
    }),

    bind(machines.unlink, async ({ machineId }, ctx) => {
      const userId = requireUser(ctx);
      await live.checkpoint(machineId); // the socket's replica persists the workout's latest totals
      const ended = await db.transaction((tx) => endLink(tx, { machineId, userId }, 'member', staleAfterMs));
      if (!ended) throw new AppError(404, HubErrors.NOT_LINKED, 'You are not linked to this machine');
      announceUnlink(deps, ended);
    }),
  ];
}
