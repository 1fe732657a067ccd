import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  checkKey,
  ObjectNotFoundError,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from './object-store.ts';
import { signObjectUrl } from './signed-url.ts';
import { sizeLimit } from './size-limit.ts';

export interface LocalObjectStoreOptions {
  /** The store's directory: objects under `data/`, their content types under `meta/`, uploads in progress under `tmp/`. */
  directory: string;
  /** Where signed URLs point: the gateway's public base URL. */
  publicBaseUrl: string;
  /** HMAC secret for signed URLs. */
  urlSecret: string;
  defaultUrlTtlS?: number;
}

/**
 * Object storage in a local directory, for a single machine (`pnpm start`, tests). A put streams
 * into a temporary file and renames it into place once complete, so a reader sees the whole
 * object or none, and a failed or refused upload leaves nothing.
 */
export async function createLocalObjectStore(options: LocalObjectStoreOptions): Promise<ObjectStore> {
  const dataDir = join(options.directory, 'data');
  const metaDir = join(options.directory, 'meta');
  const tmpDir = join(options.directory, 'tmp');
  await Promise.all([dataDir, metaDir, tmpDir].map((d) => mkdir(d, { recursive: true })));
  await removeAbandonedUploads(tmpDir);

  const dataPath = (key: string) => join(dataDir, ...checkKey(key).split('/'));
  const metaPath = (key: string) => `${join(metaDir, ...checkKey(key).split('/'))}.json`;

  /** Writes a small file atomically: temporary file, then rename. */
  const writeAtomically = async (path: string, text: string) => {
    const tmp = join(tmpDir, randomUUID());
    await writeFile(tmp, text);
    await mkdir(dirname(path), { recursive: true });
    await rename(tmp, path);
  };

  const head = async (key: string): Promise<ObjectInfo | null> => {
    const file = dataPath(key);
    const stats = await stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return null;
      throw error;
    });
    if (!stats?.isFile()) return null;
    const meta = await readFile(metaPath(key), 'utf8')
      .then((text) => JSON.parse(text) as { contentType: string })
      .catch(() => ({ contentType: 'application/octet-stream' }));
    return { key, size: stats.size, contentType: meta.contentType, lastModified: stats.mtime };
  };

  return {
    kind: 'local',

    async put(key, body: Readable, { contentType, maxBytes }: PutOptions) {
      const file = dataPath(key);
      const tmp = join(tmpDir, randomUUID());
      try {
        await pipeline(body, sizeLimit(key, maxBytes), createWriteStream(tmp, { flags: 'wx' }));
        // The content type first: the object becomes visible only with the rename of its data.
        await writeAtomically(metaPath(key), JSON.stringify({ contentType }));
        await mkdir(dirname(file), { recursive: true });
        await rename(tmp, file);
      } catch (error) {
        await rm(tmp, { force: true });
        throw error;
      }
      return (await head(key))!;
    },

    async get(key) {
      // Opened before it is described, so a delete in between cannot break the stream.
      const handle = await open(dataPath(key)).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR')
          throw new ObjectNotFoundError(key);
        throw error;
      });
      const info = await head(key);
      if (!info) {
        await handle.close();
        throw new ObjectNotFoundError(key);
      }
      return { info, body: handle.createReadStream() };
    },

    head,

    async delete(key) {
      await rm(dataPath(key), { force: true });
      await rm(metaPath(key), { force: true });
    },

    async signedUrl(key, { expiresInS = options.defaultUrlTtlS ?? 300 } = {}) {
      checkKey(key);
      return signObjectUrl({ baseUrl: options.publicBaseUrl, secret: options.urlSecret }, key, expiresInS);
    },

    close() {},
  };
}

/**
 * Temporary files a crash left behind. Only old ones: another process on this machine may share
 * the directory and be uploading right now.
 */
async function removeAbandonedUploads(tmpDir: string, olderThanMs = 3600_000) {
  const now = Date.now();
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    const stats = await stat(path).catch(() => null);
    if (stats && now - stats.mtimeMs > olderThanMs) await rm(path, { force: true, recursive: true });
  }
}
