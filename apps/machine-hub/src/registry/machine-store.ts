import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { machineEvents, type Machine, type MachineStatus } from '@nxg/contracts';
import { enqueueEvent, type Queryable } from '@nxg/platform';

export interface MachineRow {
  id: string;
  branch_id: string;
  name: string;
  type: string;
  location: string;
  secret_hash: string;
  admin_status: 'available' | 'maintenance';
  reported_fault: boolean;
  firmware: string | null;
  connected_instance: string | null;
  last_seen_at: Date | null;
  recent_frame_ids: string[];
  announced_status: MachineStatus;
  /** Rotations of its secret so far + 1: tokens name the generation they were issued under. */
  secret_generation: number;
  decommissioned_at: Date | null;
  created_at: Date;
  /** From the active link, if any. */
  link_id: string | null;
  link_user_id: string | null;
  /** The active link's workout totals as last persisted. */
  link_workout: Record<string, unknown> | null;
  link_display_name: string | null;
  [key: string]: unknown;
}

/** A new machine secret, shown once; only its hash is kept. */
export const newSecret = () => randomBytes(24).toString('base64url');

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A decommissioned machine matches no secret. */
export function secretMatches(
  row: Pick<MachineRow, 'secret_hash' | 'decommissioned_at'>,
  secret: string,
): boolean {
  if (row.decommissioned_at) return false;
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(row.secret_hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

const SELECT = `SELECT m.*, l.id AS link_id, l.user_id AS link_user_id, l.workout AS link_workout,
    l.display_name AS link_display_name
  FROM machines m LEFT JOIN links l ON l.machine_id = m.id AND l.ended_at IS NULL`;

export async function findMachine(
  db: Queryable,
  id: string,
  forUpdate = false,
): Promise<MachineRow | undefined> {
  const [row] = await db.query<MachineRow>(
    `${SELECT} WHERE m.id = $1${forUpdate ? ' FOR UPDATE OF m' : ''}`,
    [id],
  );
  return row;
}

export async function machinesOfBranch(
  db: Queryable,
  branchId: string,
  limit: number,
  after?: [string, string],
) {
  return db.query<MachineRow>(
    `${SELECT} WHERE m.branch_id = $1 AND m.decommissioned_at IS NULL AND ($2::text IS NULL OR (m.name, m.id) > ($2::text, $3::uuid))
     ORDER BY m.name, m.id LIMIT $4`,
    [branchId, after?.[0] ?? null, after?.[1] ?? null, limit],
  );
}

/**
 * The status members and staff see: maintenance (staff or the machine said so) beats offline
 * (no socket, or silent for two heartbeat intervals), which beats occupied (a member linked).
 */
export function deriveStatus(row: MachineRow, staleAfterMs: number, now = Date.now()): MachineStatus {
  if (row.admin_status === 'maintenance' || row.reported_fault) return 'maintenance';
  const seen = row.last_seen_at ? new Date(row.last_seen_at).getTime() : 0;
  if (!row.connected_instance || now - seen > staleAfterMs) return 'offline';
  return row.link_id ? 'occupied' : 'available';
}

export function toMachine(row: MachineRow, staleAfterMs: number): Machine {
  return {
    id: row.id,
    branchId: row.branch_id,
    name: row.name,
    type: row.type,
    location: row.location,
    status: deriveStatus(row, staleAfterMs),
    firmware: row.firmware,
    lastSeenAt: row.last_seen_at ? new Date(row.last_seen_at).toISOString() : null,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

/**
 * Re-reads the machine inside the caller's transaction and, if its status changed since last
 * announced, records and announces it (outbox). Returns the new status when it changed.
 */
export async function announceStatus(
  tx: Queryable,
  machineId: string,
  staleAfterMs: number,
): Promise<MachineStatus | undefined> {
  const row = await findMachine(tx, machineId);
  if (!row) return undefined;
  const status = deriveStatus(row, staleAfterMs);
  if (status === row.announced_status) return undefined;
  await tx.query('UPDATE machines SET announced_status = $2 WHERE id = $1', [machineId, status]);
  await enqueueEvent(tx, {
    event: machineEvents.machineStatusChanged,
    subject: machineId,
    natsSubject: machineEvents.machineSubject(row.branch_id, machineId, 'status'),
    data: { machineId, branchId: row.branch_id, status, at: new Date().toISOString() },
  });
  return status;
}
