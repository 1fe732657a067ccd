import { HubErrors, identity, machines } from '@nxg/contracts';
import {
  AppError,
  bind,
  callOperation,
  decodeCursor,
  type Binding,
  requireRecentMfa,
  requireUser,
  toPage,
  uuidv7,
} from '@nxg/platform';
import type { HubDeps } from '../deps.ts';
import { announceStatusChange, announceUnlink } from '../linking/link-notices.ts';
import { endLink } from '../linking/link-store.ts';
import {
  administeredMachine,
  assertBranchAdmin,
  assertBranchStaff,
  serviceableMachine,
} from './machine-access.ts';
import {
  announceStatus,
  findMachine,
  hashSecret,
  machinesOfBranch,
  newSecret,
  secretMatches,
  toMachine,
} from './machine-store.ts';

/** The registry: machines, their credentials, maintenance, and machine tokens. */
export function registryBindings(deps: HubDeps): Binding[] {
  const { db, staleAfterMs } = deps;

  return [
    bind(machines.createMachine, async ({ branchId, name, type, location }, ctx) => {
      assertBranchAdmin(ctx, branchId);
      requireRecentMfa(ctx);
      const id = uuidv7();
      const secret = newSecret();
      await db.query(
        `INSERT INTO machines (id, branch_id, name, type, location, secret_hash) VALUES ($1, $2, $3, $4, $5, $6)`,
        [id, branchId, name, type, location, hashSecret(secret)],
      );
      return {
        machine: toMachine((await findMachine(db, id))!, staleAfterMs),
        credentials: { machineId: id, secret },
      };
    }),

    bind(machines.listMachines, async ({ branchId, limit = 20, cursor }) => {
      const after = cursor ? (decodeCursor(cursor, 2) as [string, string]) : undefined;
      const rows = await machinesOfBranch(db, branchId, limit + 1, after);
      return toPage(
        rows.map((r) => toMachine(r, staleAfterMs)),
        limit,
        (last) => [last.name, last.id],
      );
    }),

    bind(machines.listActiveLinks, async ({ branchId, limit = 20, cursor }, ctx) => {
      assertBranchStaff(ctx, branchId);
      const [since, id] = cursor ? decodeCursor(cursor, 2) : [];
      const rows = await db.query<{
        id: string;
        machine_id: string;
        user_id: string | null;
        display_name: string | null;
        started_at: Date;
      }>(
        `SELECT l.id, l.machine_id, l.user_id, l.display_name, l.started_at
         FROM links l JOIN machines m ON m.id = l.machine_id
         WHERE m.branch_id = $1 AND l.ended_at IS NULL
           AND ($2::timestamptz IS NULL OR (l.started_at, l.id) > ($2::timestamptz, $3::uuid))
         ORDER BY l.started_at, l.id LIMIT $4`,
        [branchId, since ?? null, id ?? null, limit + 1],
      );
      return toPage(
        rows.map((r) => ({
          linkId: r.id,
          machineId: r.machine_id,
          userId: r.user_id,
          displayName: r.display_name ?? 'Member',
          since: new Date(r.started_at).toISOString(),
        })),
        limit,
        (last) => [last.since, last.linkId],
      );
    }),

    bind(machines.updateMachine, async ({ machineId, status, name, location }, ctx) => {
      await serviceableMachine(db, ctx, machineId);
      requireRecentMfa(ctx);
      if (status === 'maintenance') await deps.live.checkpoint(machineId);
      const result = await db.transaction(async (tx) => {
        await tx.query(
          `UPDATE machines SET admin_status = coalesce($2, admin_status), name = coalesce($3, name),
             location = coalesce($4, location) WHERE id = $1`,
          [machineId, status ?? null, name ?? null, location ?? null],
        );
        // Maintenance ends whoever is training: the machine is out of service.
        const ended =
          status === 'maintenance'
            ? await endLink(tx, { machineId }, 'maintenance', staleAfterMs)
            : undefined;
        const changed = ended ? ended.status : await announceStatus(tx, machineId, staleAfterMs);
        return { ended, changed, row: (await findMachine(tx, machineId))! };
      });
      if (result.ended) announceUnlink(deps, result.ended);
      else {
        announceStatusChange(deps, result.row.branch_id, machineId, result.changed);
      }
      return toMachine(result.row, staleAfterMs);
    }),

    bind(machines.logMaintenance, async ({ machineId, type, notes }, ctx) => {
      const userId = requireUser(ctx);
      await serviceableMachine(db, ctx, machineId);
      requireRecentMfa(ctx);
      const [row] = await db.query<{ id: string; at: Date }>(
        `INSERT INTO maintenance_log (id, machine_id, type, notes, by_user_id) VALUES ($1, $2, $3, $4, $5) RETURNING id, at`,
        [uuidv7(), machineId, type, notes, userId],
      );
      return { id: row!.id, machineId, type, notes, byUserId: userId, at: new Date(row!.at).toISOString() };
    }),

    bind(machines.listMaintenance, async ({ machineId, limit = 20, cursor }, ctx) => {
      await administeredMachine(db, ctx, machineId);
      const [at, id] = cursor ? decodeCursor(cursor, 2) : [];
      const rows = await db.query<{
        id: string;
        type: string;
        notes: string;
        by_user_id: string | null;
        at: Date;
      }>(
        `SELECT * FROM maintenance_log WHERE machine_id = $1
           AND ($2::timestamptz IS NULL OR (at, id) < ($2::timestamptz, $3::uuid))
         ORDER BY at DESC, id DESC LIMIT $4`,
        [machineId, at ?? null, id ?? null, limit + 1],
      );
      return toPage(
        rows.map((r) => ({
          id: r.id,
          machineId,
          type: r.type,
          notes: r.notes,
          byUserId: r.by_user_id,
          at: new Date(r.at).toISOString(),
        })),
        limit,
        (last) => [last.at, last.id],
      );
    }),

    bind(machines.machineToken, async ({ machineId, secret }, ctx) => {
      const row = await findMachine(db, machineId);
      if (!row || !secretMatches(row, secret)) {
        throw new AppError(
          401,
          HubErrors.INVALID_MACHINE_CREDENTIALS,
          'The machine id or secret is not right',
        );
      }
      const token = await callOperation(
        deps.nc,
        identity.issueMachineToken,
        { machineId, branchId: row.branch_id, generation: row.secret_generation },
        ctx,
        {
          timeoutMs: deps.config.NATS_REQUEST_TIMEOUT_MS,
        },
      );
      return { accessToken: token.accessToken, tokenType: 'Bearer' as const, expiresIn: token.expiresIn };
    }),
  ];
}
