import type { User } from '../api/types.ts';

/** Staff: platform admins, and anyone holding a role at a branch (trainers, branch admins). */
export const isStaff = (user: User) => user.roles.includes('platform_admin') || user.branchRoles.length > 0;

/** Who may add machines, change their status and rotate secrets at a branch. */
export const managesBranch = (user: User, branchId: string) =>
  user.roles.includes('platform_admin') ||
  user.branchRoles.some((r) => r.branchId === branchId && r.role === 'branch_admin');

/** The branches this person may watch: all for platform admins, else those they hold a role at. */
export const watchableBranch = (user: User, branchId: string) =>
  user.roles.includes('platform_admin') || user.branchRoles.some((r) => r.branchId === branchId);
