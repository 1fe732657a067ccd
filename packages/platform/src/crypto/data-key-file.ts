import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { DataKeyring } from './keyring.ts';

/**
 * A service's data keyring from its configuration (`current`, base64, and `decryptOnly`,
 * comma-separated). On a developer machine without a configured key, a key is generated once and
 * kept (mode 0600) under `<dataDir>/<service>/data-key` so restarts can still open what was sealed.
 */
export async function loadDataKeyring(options: {
  service: string;
  variable: string;
  current: string | undefined;
  decryptOnly?: string | undefined;
  dataDir: string;
  logger: Logger;
}): Promise<DataKeyring> {
  const { service, variable, current, decryptOnly, dataDir, logger } = options;
  if (current) return DataKeyring.fromBase64(current, decryptOnly);
  const dir = resolve(dataDir, service);
  const file = join(dir, 'data-key');
  const read = async () => (await readFile(file, 'utf8')).trim();
  let key: string;
  try {
    key = await read();
  } catch {
    await mkdir(dir, { recursive: true });
    // `wx`: if another process wrote it first, keep theirs.
    await writeFile(file, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' }).catch(() => {});
    logger.warn({ file }, `${variable} is not set: using a generated development key`);
    key = await read();
  }
  return DataKeyring.fromBase64(key, decryptOnly);
}
