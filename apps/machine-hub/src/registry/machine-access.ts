import { HubErrors, type RequestContext } from '@nxg/contracts';
import { AppError, forbidden, type Queryable } from '@nxg/platform';
import { findMachine, type MachineRow } from './machine-store.ts';

/** Who may manage a machine: its branch's admins and platform admins; others are told it does not exist. */
const isBranchAdmin = (ctx: RequestContext, branchId: string) =>
  ctx.roles.includes('platform_admin') || ctx.branchRoles[branchId] === 'branch_admin';

export function assertBranchAdmin(ctx: RequestContext, branchId: string): void {
  if (!isBranchAdmin(ctx, branchId)) throw forbidden("Only this branch's admins may manage its machines");
}

/** Any of the branch's staff (trainers too) and platform admins: who may watch its machines. */
export function assertBranchStaff(ctx: RequestContext, branchId: string): void {
  if (!ctx.roles.includes('platform_admin') && ctx.branchRoles[branchId] === undefined)
    throw forbidden("Only this branch's staff may see who is on its machines");
}

const machineNotFound = () => new AppError(404, HubErrors.MACHINE_NOT_FOUND, 'No such machine');
export const decommissioned = () =>
  new AppError(
    410,
    HubErrors.MACHINE_DECOMMISSIONED,
    'The machine was decommissioned; it takes no more changes',
  );

/** A machine the caller administers, or 404 (not 403: other branches' machine ids are not confirmed). */
export async function administeredMachine(
  db: Queryable,
  ctx: RequestContext,
  machineId: string,
): Promise<MachineRow> {
  const row = await findMachine(db, machineId);
  if (!row || !isBranchAdmin(ctx, row.branch_id)) throw machineNotFound();
  return row;
}

/** As `administeredMachine`, and still in service. */
export async function serviceableMachine(
  db: Queryable,
  ctx: RequestContext,
  machineId: string,
): Promise<MachineRow> {
  const row = await administeredMachine(db, ctx, machineId);
  if (row.decommissioned_at) throw decommissioned();
  return row;
}
