import type { Readable } from 'node:stream';
import type { UploadJournal } from './resumable-upload.ts';

/** What is known about a stored object without reading it. */
export interface ObjectInfo {
  key: string;
  size: number;
  contentType: string;
  lastModified: Date;
}

export interface PutOptions {
  contentType: string;
  /** Largest accepted size; a body that grows past it is refused while streaming and nothing is stored. */
  maxBytes: number;
  /**
   * Makes a large upload resumable (S3): an upload whose body breaks off is kept, its progress in
   * the journal, and the next put of the same key sends only the parts not already stored. The
   * local store writes the whole file each time and ignores it.
   */
  resumable?: UploadJournal;
}

/**
 * Where binary payloads live (DESIGN D9): meal photos, scan files, avatars. Bodies stream in and
 * out, never held whole in memory; a put is all or nothing. Keys are slash-separated relative
 * paths such as `nutrition/meals/<id>.jpg`.
 */
export interface ObjectStore {
  readonly kind: 's3' | 'local';
  put(key: string, body: Readable, options: PutOptions): Promise<ObjectInfo>;
  /** The object's bytes; ObjectNotFoundError when there is none. */
  get(key: string): Promise<{ info: ObjectInfo; body: Readable }>;
  /** null when there is no such object. */
  head(key: string): Promise<ObjectInfo | null>;
  /** Removes the object; removing one that is not there is not an error. */
  delete(key: string): Promise<void>;
  /** A URL that reads the object back until it expires (default 5 minutes), without other credentials. */
  signedUrl(key: string, options?: { expiresInS?: number }): Promise<string>;
  close(): void;
}

export class ObjectTooLargeError extends Error {
  override name = 'ObjectTooLargeError';
  readonly key: string;
  readonly maxBytes: number;
  constructor(key: string, maxBytes: number) {
    super(`object ${key} is larger than ${maxBytes} bytes; nothing was stored`);
    this.key = key;
    this.maxBytes = maxBytes;
  }
}

export class ObjectNotFoundError extends Error {
  override name = 'ObjectNotFoundError';
  readonly key: string;
  constructor(key: string) {
    super(`no object ${key}`);
    this.key = key;
  }
}

/** The store could not be reached or kept failing (after the client's own retries). */
export class ObjectStoreUnavailableError extends Error {
  override name = 'ObjectStoreUnavailableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Refuses keys that could leave their prefix or mean different things to different stores. */
export function checkKey(key: string): string {
  const bad =
    key.length === 0 ||
    key.length > 512 ||
    key.startsWith('/') ||
    key.endsWith('/') ||
    /[\\\x00-\x1f\x7f]/.test(key) ||
    key.split('/').some((part) => part === '' || part === '.' || part === '..');
  if (bad) throw new TypeError(`invalid object key: ${JSON.stringify(key)}`);
  return key;
}
