import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface DevAdmin {
  email: string;
  password: string;
}

/**
 * Outside production, when no platform admin is configured, `pnpm start` makes a local one (kept
 * under DATA_DIR, mode 0600) so a newcomer can open branches and the simulator can add machines.
 */
export function devAdmin(dataDir: string): DevAdmin {
  const file = join(resolve(dataDir), 'dev-admin.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevAdmin;
  mkdirSync(resolve(dataDir), { recursive: true });
  const admin = { email: 'admin@nxg.local', password: randomBytes(12).toString('base64url') };
  writeFileSync(file, JSON.stringify(admin, null, 2), { mode: 0o600 });
  return admin;
}

export const devAdminFile = (dataDir: string) => join(resolve(dataDir), 'dev-admin.json');
