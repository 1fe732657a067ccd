import type { Queryable } from '@nxg/platform';
import type { User } from '@nxg/contracts';
import type { SealedValues } from '@nxg/platform';
import { boundTo } from '../crypto/sealed-columns.ts';

export interface UserRow {
  id: string;
  email: string;
  username: string;
  password_hash: string;
  name: string;
  is_platform_admin: boolean;
  profile: Partial<Pick<User['profile'], 'timezone' | 'demographics' | 'fitnessProfile' | 'dietPreferences'>>;
  health_sealed: string | null;
  created_at: Date;
  updated_at: Date;
  [key: string]: unknown;
}

export interface StaffRole {
  branchId: string;
  role: string;
}

export async function findUserById(db: Queryable, id: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return row;
}

/** By email or username, case-insensitively. */
export async function findUserByLogin(db: Queryable, login: string): Promise<UserRow | undefined> {
  const [row] = await db.query<UserRow>(
    'SELECT * FROM users WHERE lower(email) = lower($1) OR lower(username) = lower($1)',
    [login],
  );
  return row;
}

/** The account and its staff roles in one prepared statement: the hot path of `GET /v1/me`. */
export async function findUserWithStaff(
  db: Queryable,
  id: string,
): Promise<{ row: UserRow; staff: StaffRole[] } | undefined> {
  const [row] = await db.query<UserRow & { staff: StaffRole[] }>(
    `SELECT u.*, coalesce((SELECT json_agg(json_build_object('branchId', s.branch_id, 'role', s.role) ORDER BY s.branch_id)
       FROM branch_staff s WHERE s.user_id = u.id), '[]'::json) AS staff
     FROM users u WHERE u.id = $1`,
    [id],
    { name: 'identity.user-with-staff' },
  );
  return row ? { row, staff: row.staff } : undefined;
}

export async function staffRolesOf(db: Queryable, userId: string): Promise<StaffRole[]> {
  const rows = await db.query<{ branch_id: string; role: string }>(
    'SELECT branch_id, role FROM branch_staff WHERE user_id = $1 ORDER BY branch_id',
    [userId],
  );
  return rows.map((r) => ({ branchId: r.branch_id, role: r.role }));
}

/** The roles a token carries: everyone is a member; staff roles come from branches. */
export function rolesOf(
  row: UserRow,
  staff: StaffRole[],
): { roles: string[]; branchRoles: Record<string, string> } {
  const roles = new Set(['member']);
  if (row.is_platform_admin) roles.add('platform_admin');
  for (const s of staff) roles.add(s.role);
  return { roles: [...roles], branchRoles: Object.fromEntries(staff.map((s) => [s.branchId, s.role])) };
}

export function toUser(row: UserRow, staff: StaffRole[], cipher: SealedValues): User {
  const health = row.health_sealed
    ? cipher.open<{ healthConditions?: string[] }>(row.health_sealed, boundTo.userHealth(row.id))
    : {};
  return {
    id: row.id,
    email: row.email,
    username: row.username,
    roles: rolesOf(row, staff).roles,
    branchRoles: staff,
    profile: {
      name: row.name,
      timezone: row.profile.timezone ?? 'UTC',
      demographics: row.profile.demographics ?? {},
      fitnessProfile: { ...row.profile.fitnessProfile, ...health },
      dietPreferences: row.profile.dietPreferences ?? {},
    },
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
