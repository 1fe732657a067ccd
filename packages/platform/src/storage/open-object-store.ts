import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { ConfigError } from '../config.ts';
import { createLocalObjectStore } from './local-object-store.ts';
import type { ObjectStore } from './object-store.ts';
import { createS3ObjectStore } from './s3-object-store.ts';
import type { StorageConfig } from './storage-config.ts';

type Config = StorageConfig & { DATA_DIR: string; NODE_ENV: string };

/** The secret of local signed URLs: configured, or generated once under the store's directory. */
export async function localUrlSecret(config: Config, logger?: Logger): Promise<string> {
  if (config.STORAGE_URL_SECRET) return config.STORAGE_URL_SECRET;
  if (config.NODE_ENV === 'production')
    throw new ConfigError(
      'invalid configuration:\n  STORAGE_URL_SECRET is required for local object storage in production',
    );
  const dir = resolve(config.DATA_DIR, 'objects');
  const file = join(dir, 'url-secret');
  await mkdir(dir, { recursive: true });
  // wx: when another process wrote it first, use theirs.
  await writeFile(file, randomBytes(32).toString('base64url'), { mode: 0o600, flag: 'wx' }).then(
    () => logger?.warn({ file }, 'STORAGE_URL_SECRET is not set: using a generated development secret'),
    () => undefined,
  );
  return (await readFile(file, 'utf8')).trim();
}

/** S3 when S3_BUCKET is set, else the local directory $DATA_DIR/objects. */
export async function openObjectStore(config: Config, logger?: Logger): Promise<ObjectStore> {
  if (config.S3_BUCKET) {
    logger?.info({ bucket: config.S3_BUCKET, endpoint: config.S3_ENDPOINT }, 'object storage: S3');
    return createS3ObjectStore({
      bucket: config.S3_BUCKET,
      region: config.S3_REGION ?? config.AWS_REGION ?? 'us-east-1',
      ...(config.S3_ENDPOINT ? { endpoint: config.S3_ENDPOINT } : {}),
      maxAttempts: config.S3_MAX_ATTEMPTS,
      requestTimeoutMs: config.S3_REQUEST_TIMEOUT_MS,
      defaultUrlTtlS: config.STORAGE_URL_TTL_S,
    });
  }
  const directory = resolve(config.DATA_DIR, 'objects');
  logger?.info({ directory }, 'object storage: local directory');
  return createLocalObjectStore({
    directory,
    publicBaseUrl: config.STORAGE_PUBLIC_URL,
    urlSecret: await localUrlSecret(config, logger),
    defaultUrlTtlS: config.STORAGE_URL_TTL_S,
  });
}
