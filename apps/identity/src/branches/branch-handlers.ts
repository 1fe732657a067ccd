import { identity, type Branch, IdentityErrors, type RequestContext } from '@nxg/contracts';
import {
  AppError,
  bind,
  decodeCursor,
  toPage,
  forbidden,
  requireUser,
  type Binding,
  type Queryable,
  uuidv7,
} from '@nxg/platform';
import { recordAudit } from '../audit/audit-store.ts';
import { requireRecentMfaOf } from '../mfa/recent-mfa.ts';
import type { IdentityDeps } from '../deps.ts';
import { requireTimeZone } from '../time-zone.ts';

interface BranchRow {
  id: string;
  name: string;
  address: string;
  timezone: string;
  opening_hours: Record<string, string> | null;
  created_at: Date;
  [key: string]: unknown;
}

const toBranch = (r: BranchRow): Branch => ({
  id: r.id,
  name: r.name,
  address: r.address,
  timezone: r.timezone,
  openingHours: r.opening_hours,
  createdAt: new Date(r.created_at).toISOString(),
});

/**
 * A branch admin runs their branch's trainers but may not demote or remove a fellow admin (only a
 * platform admin may, or the admin themselves).
 */
async function assertMayChangeStaff(
  tx: Queryable,
  ctx: RequestContext,
  branchId: string,
  userId: string,
): Promise<string | undefined> {
  const [current] = await tx.query<{ role: string }>(
    'SELECT role FROM branch_staff WHERE branch_id = $1 AND user_id = $2 FOR UPDATE',
    [branchId, userId],
  );
  const isPlatformAdmin = ctx.roles.includes('platform_admin');
  if (current?.role === 'branch_admin' && !isPlatformAdmin && userId !== ctx.userId) {
    throw new AppError(
      403,
      IdentityErrors.CO_ADMIN_PROTECTED,
      'Only a platform admin may demote or remove an admin of this branch',
    );
  }
  return current?.role;
}

/** Branches and who runs them. A role change takes effect at once: the account's tokens are revoked. */
export function branchBindings({ db, users, mfaStore, revocations }: IdentityDeps): Binding[] {
  const rolesChanged = async (userId: string) => {
    // Tokens signed before now carry the old roles: the app refreshes and gets the new ones.
    await revocations.revokeUserTokensBefore(userId, Date.now());
    users.invalidate(userId);
  };

  return [
    bind(identity.createBranch, async (input) => {
      const timezone = requireTimeZone(input.timezone ?? 'UTC');
      try {
        const [row] = await db.query<BranchRow>(
          `INSERT INTO branches (id, name, address, timezone, opening_hours) VALUES ($1, $2, $3, $4, $5) RETURNING *`,
          [
            uuidv7(),
            input.name,
            input.address,
            timezone,
            input.openingHours ? JSON.stringify(input.openingHours) : null,
          ],
        );
        return toBranch(row!);
      } catch (error) {
        if ((error as { code?: string }).code === '23505') {
          throw new AppError(409, IdentityErrors.BRANCH_EXISTS, 'A branch with this name exists');
        }
        throw error;
      }
    }),

    bind(identity.listBranches, async (input) => {
      const limit = input.limit ?? 20;
      const [name, id] = input.cursor ? decodeCursor(input.cursor, 2) : [];
      const rows = await db.query<BranchRow>(
        `SELECT * FROM branches
         WHERE $1::text IS NULL OR (lower(name), id) > ($1::text, $2::uuid)
         ORDER BY lower(name), id LIMIT $3`,
        [name ?? null, id ?? null, limit + 1],
      );
      return toPage(rows.map(toBranch), limit, (last) => [last.name.toLowerCase(), last.id]);
    }),

    bind(identity.getBranch, async ({ branchId }) => {
      const [row] = await db.query<BranchRow>('SELECT * FROM branches WHERE id = $1', [branchId]);
      if (!row) throw new AppError(404, IdentityErrors.BRANCH_NOT_FOUND, 'No such branch');
      return toBranch(row);
    }),

    bind(identity.assignBranchRole, async (input, ctx) => {
      const isPlatformAdmin = ctx.roles.includes('platform_admin');
      const adminsBranch = ctx.branchRoles[input.branchId] === 'branch_admin';
      // A branch admin may add trainers to their own branch; only platform admins appoint admins.
      if (!isPlatformAdmin && !(adminsBranch && input.role === 'trainer')) {
        throw forbidden('Only platform admins, or this branch’s admins for trainers, may assign staff');
      }
      await requireRecentMfaOf(db, mfaStore, ctx, requireUser(ctx));
      const [branch] = await db.query('SELECT 1 FROM branches WHERE id = $1', [input.branchId]);
      if (!branch) throw new AppError(404, IdentityErrors.BRANCH_NOT_FOUND, 'No such branch');
      const [user] = await db.query('SELECT 1 FROM users WHERE id = $1', [input.userId]);
      if (!user) throw new AppError(404, IdentityErrors.USER_NOT_FOUND, 'No such account');
      const changed = await db.transaction(async (tx) => {
        const before = await assertMayChangeStaff(tx, ctx, input.branchId, input.userId);
        if (before === input.role) return false;
        await tx.query(
          `INSERT INTO branch_staff (branch_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT (branch_id, user_id) DO UPDATE SET role = EXCLUDED.role, granted_at = now()`,
          [input.branchId, input.userId, input.role],
        );
        await recordAudit(tx, {
          type: 'role_granted',
          userId: input.userId,
          actorId: ctx.userId,
          ip: ctx.ip,
          details: {
            branchId: input.branchId,
            role: input.role,
            ...(before ? { previousRole: before } : {}),
          },
        });
        return true;
      });
      if (changed) await rolesChanged(input.userId);
      return { branchId: input.branchId, userId: input.userId, role: input.role };
    }),

    bind(identity.removeBranchRole, async ({ branchId, userId }, ctx) => {
      const isPlatformAdmin = ctx.roles.includes('platform_admin');
      if (!isPlatformAdmin && ctx.branchRoles[branchId] !== 'branch_admin') {
        throw forbidden('Only platform admins, or this branch’s admins, may remove its staff');
      }
      await requireRecentMfaOf(db, mfaStore, ctx, requireUser(ctx));
      await db.transaction(async (tx) => {
        const role = await assertMayChangeStaff(tx, ctx, branchId, userId);
        if (!role) throw new AppError(404, IdentityErrors.STAFF_ROLE_NOT_FOUND, 'Not staff of this branch');
        await tx.query('DELETE FROM branch_staff WHERE branch_id = $1 AND user_id = $2', [branchId, userId]);
        await recordAudit(tx, {
          type: 'role_removed',
          userId,
          actorId: ctx.userId,
          ip: ctx.ip,
          details: { branchId, role },
        });
      });
      await rolesChanged(userId);
    }),
  ];
}
