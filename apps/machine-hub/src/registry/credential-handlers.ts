import { machineEvents, machines } from '@nxg/contracts';
import { bind, enqueueEvent, requireRecentMfa, requireUser, type Binding } from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { announceUnlink } from '../linking/link-notices.ts';
import { endLink } from '../linking/link-store.ts';
import { decommissioned, serviceableMachine } from './machine-access.ts';
import { hashSecret, newSecret } from './machine-store.ts';

/**
 * After a rotation or decommission commits: the tokens of that secret generation are revoked for
 * every verifier (gateway and hub replicas watch the bucket), and whichever replica holds the
 * machine's socket closes it. A socket opened meanwhile with an old token is refused at connect
 * (its generation is behind the machine's).
 */
async function endCredentials(
  deps: HubDeps,
  machineId: string,
  generation: number,
  command: { type: 'revoked' } | { type: 'removed' },
): Promise<void> {
  deps.live.command(machineId, command);
  await deps.revocations.revokeGeneration(machineId, generation);
}

/**
 * A machine's credentials ending: its secret rotated (the old one and its tokens stop at once) or the
 * machine decommissioned (link ended, socket closed, credentials refused for good, history kept).
 */
export function credentialBindings(deps: HubDeps): Binding[] {
  const { db, staleAfterMs } = deps;

  return [
    bind(machines.rotateMachineSecret, async ({ machineId }, ctx) => {
      const actorId = requireUser(ctx);
      await serviceableMachine(db, ctx, machineId);
      requireRecentMfa(ctx);
      const secret = newSecret();
      const rotated = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ secret_generation: number; branch_id: string }>(
          `UPDATE machines SET secret_hash = $2, secret_generation = secret_generation + 1
           WHERE id = $1 AND decommissioned_at IS NULL RETURNING secret_generation, branch_id`,
          [machineId, hashSecret(secret)],
        );
        if (!row) throw decommissioned();
        await enqueueEvent(tx, {
          event: machineEvents.machineSecretRotated,
          subject: machineId,
          natsSubject: machineEvents.machineSubject(row.branch_id, machineId, 'secret_rotated'),
          data: { machineId, branchId: row.branch_id, actorId, at: new Date().toISOString() },
        });
        return row;
      });
      await endCredentials(deps, machineId, rotated.secret_generation - 1, { type: 'revoked' });
      return { credentials: { machineId, secret } };
    }),

    bind(machines.decommissionMachine, async ({ machineId }, ctx) => {
      const actorId = requireUser(ctx);
      await serviceableMachine(db, ctx, machineId);
      requireRecentMfa(ctx);
      await deps.live.checkpoint(machineId);
      const result = await db.transaction(async (tx) => {
        const [row] = await tx.query<{ secret_generation: number; branch_id: string }>(
          `UPDATE machines SET decommissioned_at = now(), secret_hash = ''
           WHERE id = $1 AND decommissioned_at IS NULL RETURNING secret_generation, branch_id`,
          [machineId],
        );
        if (!row) throw decommissioned();
        const ended = await endLink(tx, { machineId }, 'decommissioned', staleAfterMs);
        await enqueueEvent(tx, {
          event: machineEvents.machineDecommissioned,
          subject: machineId,
          natsSubject: machineEvents.machineSubject(row.branch_id, machineId, 'decommissioned'),
          data: { machineId, branchId: row.branch_id, actorId, at: new Date().toISOString() },
        });
        return { row, ended };
      });
      if (result.ended) announceUnlink(deps, result.ended);
      await endCredentials(deps, machineId, result.row.secret_generation, { type: 'removed' });
    }),
  ];
}
