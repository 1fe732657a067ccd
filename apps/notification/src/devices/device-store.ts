import type { Device } from '@nxg/contracts';
import { uuidv7 } from '@nxg/platform';
import type { Queryable } from '@nxg/platform';

interface DeviceRow {
  id: string;
  platform: Device['platform'];
  created_at: Date;
  refreshed_at: Date;
  [key: string]: unknown;
}

export const toDevice = (r: DeviceRow): Device => ({
  id: r.id,
  platform: r.platform,
  createdAt: new Date(r.created_at).toISOString(),
  refreshedAt: new Date(r.refreshed_at).toISOString(),
});

/** Devices one member may have: enough for phones, tablets and browsers, too few to amplify a push. */
export const MAX_DEVICES_PER_MEMBER = 10;

/**
 * Registers a token for a member, in the caller's transaction. The same token again refreshes its
 * device (same id); a token another member registered leaves that member first, taking its
 * pending pushes with it, so nothing meant for them reaches the new holder's phone. Beyond
 * MAX_DEVICES_PER_MEMBER, the least recently refreshed device is removed.
 */
export async function registerDevice(
  tx: Queryable,
  userId: string,
  token: string,
  platform: Device['platform'],
): Promise<Device> {
  await dropDevices(tx, 'token = $1 AND user_id <> $2', [token, userId]);
  const [row] = await tx.query<DeviceRow>(
    `INSERT INTO devices (id, user_id, token, platform) VALUES ($1, $2, $3, $4)
     ON CONFLICT (token) DO UPDATE SET platform = EXCLUDED.platform, refreshed_at = now()
     RETURNING id, platform, created_at, refreshed_at`,
    [uuidv7(), userId, token, platform],
  );
  // A member's oldest devices beyond the cap go: a phone not refreshed in a long while is gone.
  await dropDevices(
    tx,
    `id IN (SELECT id FROM devices WHERE user_id = $1 ORDER BY refreshed_at DESC, id DESC OFFSET $2)`,
    [userId, MAX_DEVICES_PER_MEMBER],
  );
  return toDevice(row!);
}

/**
 * Removes devices matching `where` and drops their pushes not yet sent; returns how many devices.
 * One place for removal by the member, by a dead token, by a token moving, and by erasure.
 * Notifications left with nothing to send are settled by the drain job's sweep.
 */
export async function dropDevices(tx: Queryable, where: string, params: unknown[]): Promise<number> {
  const gone = await tx.query<{ id: string }>(`DELETE FROM devices WHERE ${where} RETURNING id`, params);
  if (gone.length) {
    // ON DELETE SET NULL has just cut them loose: a pending push with no device can never go out.
    await tx.query(
      `UPDATE deliveries SET status = 'dropped', last_error = coalesce(last_error, 'device removed')
       WHERE device_id IS NULL AND status = 'pending'`,
    );
  }
  return gone.length;
}
