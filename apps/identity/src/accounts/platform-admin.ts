import type { Database } from '@nxg/platform';
import { uuidv7 } from '@nxg/platform';
import type { Logger } from 'pino';
import { hashPassword } from './password.ts';

const ADMIN_LOCK = 72_020_002;

/**
 * The first platform admin, from PLATFORM_ADMIN_EMAIL / PLATFORM_ADMIN_PASSWORD: created if absent.
 * An existing account with that email is never promoted (whoever registered it first would become
 * platform admin) nor changed: a warning says so, and an admin promotes it by hand if it is theirs.
 */
export async function ensurePlatformAdmin(
  db: Database,
  email: string,
  password: string,
  logger: Logger,
): Promise<void> {
  const passwordHash = await hashPassword(password);
  const username = `admin-${
    email
      .split('@')[0]!
      .replace(/[^A-Za-z0-9_.-]/g, '')
      .slice(0, 20) || 'platform'
  }`;
  await db.withLock(ADMIN_LOCK, async (tx) => {
    const [existing] = await tx.query<{ id: string; is_platform_admin: boolean }>(
      'SELECT id, is_platform_admin FROM users WHERE lower(email) = lower($1)',
      [email],
    );
    if (existing) {
      if (!existing.is_platform_admin) {
        logger.warn(
          { userId: existing.id },
          'PLATFORM_ADMIN_EMAIL names an existing member account: it is NOT promoted; choose another email',
        );
      }
      return;
    }
    const id = uuidv7();
    await tx.query(
      `INSERT INTO users (id, email, username, password_hash, name, is_platform_admin) VALUES ($1, $2, $3, $4, $5, true)`,
      [id, email, username, passwordHash, 'Platform admin'],
    );
    logger.info({ userId: id }, 'platform admin created');
  });
}
