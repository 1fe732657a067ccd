import { CommonErrorCodes, type Operation, type RequestContext } from '@nxg/contracts';
import { AppError } from './errors.ts';

/**
 * Whether roles may use an operation: `public` admits anyone, otherwise any one of the declared
 * roles suffices. The gateway (before routing) and every service (before handling) ask this same
 * function, so the two checks cannot drift apart.
 */
export function rolesAllow(access: Operation['access'], roles: readonly string[]): boolean {
  return access === 'public' || access.some((role) => roles.includes(role));
}

export function assertRolesAllow(op: Operation, roles: readonly string[]): void {
  if (!rolesAllow(op.access, roles)) {
    throw new AppError(403, CommonErrorCodes.FORBIDDEN, 'Your role may not use this route');
  }
}

/**
 * Services that turn a verified token into a request context. Only these may send a context that
 * speaks for someone: the gateway for members and staff, machine-hub for machines (and for the
 * member whose link request the gateway passed it).
 */
const vouchers: Readonly<Record<string, { users: boolean; machines: boolean }>> = {
  gateway: { users: true, machines: false },
  'machine-hub': { users: true, machines: true },
};

const notAllowed = (message: string) => new AppError(403, CommonErrorCodes.CALLER_NOT_ALLOWED, message);

/**
 * What a service checks before handling a request a trusted `caller` (its signature verified)
 * sent: that the caller may speak for the context's user or machine, that an internal operation
 * is one the caller is declared for, and that the context's roles may use the operation.
 */
export function authorizeCall(op: Operation, caller: string, ctx: RequestContext): void {
  const machine = ctx.roles.includes('machine');
  const speaksForSomeone =
    ctx.userId !== undefined || ctx.roles.length > 0 || Object.keys(ctx.branchRoles).length > 0;
  if (speaksForSomeone) {
    const voucher = vouchers[caller];
    if (!voucher || !(machine ? voucher.machines : voucher.users)) {
      throw notAllowed(`${caller} may not act for a ${machine ? 'machine' : 'user'}`);
    }
  }
  if (!op.http) {
    if (!op.callers.includes(caller)) throw notAllowed(`${caller} may not call ${op.name}`);
    return;
  }
  if (op.access === 'public') return;
  if (!speaksForSomeone) {
    // A service's own call (no user behind it): only the services the operation names.
    if (!op.callers.includes(caller)) throw notAllowed(`${caller} may not call ${op.name} on its own`);
    return;
  }
  assertRolesAllow(op, ctx.roles);
}
