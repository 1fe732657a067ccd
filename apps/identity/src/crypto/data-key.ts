import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';

/**
 * The data key from IDENTITY_DATA_KEY; on a developer machine without one, a key generated once
 * and kept (mode 0600) under DATA_DIR so restarts can still read what was sealed.
 */
export async function loadDataKey(
  configured: string | undefined,
  dataDir: string,
  logger: Logger,
): Promise<Buffer> {
  if (configured) return Buffer.from(configured, 'base64');
  const dir = resolve(dataDir, 'identity');
  const file = join(dir, 'data-key');
  try {
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  } catch {
    await mkdir(dir, { recursive: true });
    const key = randomBytes(32);
    await writeFile(file, key.toString('base64'), { mode: 0o600, flag: 'wx' }).catch(async () => {
      // Another process wrote it first: use theirs.
      return undefined;
    });
    logger.warn({ file }, 'IDENTITY_DATA_KEY is not set: using a generated development key');
    return Buffer.from((await readFile(file, 'utf8')).trim(), 'base64');
  }
}
