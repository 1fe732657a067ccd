import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseConfig, ConfigError, loadConfig } from '../config.ts';
import { tempDir } from '../test-support.ts';
import { localUrlSecret, openObjectStore } from './open-object-store.ts';
import { verifySignedObjectUrl } from './signed-url.ts';
import { StorageConfig } from './storage-config.ts';

const schema = { ...BaseConfig, ...StorageConfig };

describe('openObjectStore', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tempDir('open-store-');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('uses a local directory without S3_BUCKET, with one generated URL secret shared by every process', async () => {
    const config = loadConfig(schema, { DATA_DIR: dir, STORAGE_PUBLIC_URL: 'https://api.example' });
    const store = await openObjectStore(config);
    expect(store.kind).toBe('local');
    const url = await store.signedUrl('avatars/a.png');
    // What the gateway would do: read the same secret, check the link.
    const gatewaySecret = await localUrlSecret(config);
    expect(verifySignedObjectUrl(gatewaySecret, url.slice('https://api.example'.length)).ok).toBe(true);
  });

  it('uses S3 when S3_BUCKET is set', async () => {
    const config = loadConfig(schema, {
      DATA_DIR: dir,
      S3_BUCKET: 'nxg-photos',
      S3_ENDPOINT: 'http://127.0.0.1:9',
    });
    const store = await openObjectStore(config);
    expect(store.kind).toBe('s3');
    store.close();
  });

  it('wants a URL secret for a local store in production, and names bad variables', async () => {
    const production = loadConfig(schema, { DATA_DIR: dir, NODE_ENV: 'production' });
    await expect(openObjectStore(production)).rejects.toThrow(ConfigError);
    await expect(openObjectStore(production)).rejects.toThrow(/STORAGE_URL_SECRET/);
    expect(() => loadConfig(schema, { S3_ENDPOINT: 'minio:9000', STORAGE_URL_SECRET: 'short' })).toThrow(
      /S3_ENDPOINT[\s\S]*STORAGE_URL_SECRET|STORAGE_URL_SECRET[\s\S]*S3_ENDPOINT/,
    );
  });
});
