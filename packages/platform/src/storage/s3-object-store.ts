import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  checkKey,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  ObjectTooLargeError,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from './object-store.ts';
import { resumablePut } from './resumable-upload.ts';
import { sizeLimit } from './size-limit.ts';

export interface S3ObjectStoreOptions {
  bucket: string;
  region: string;
  /** An S3-compatible store (MinIO, s3rver, R2…): path-style addressing, checksums only where required. */
  endpoint?: string;
  /** Absent: the AWS SDK's usual chain (AWS_ACCESS_KEY_ID…, profile, container or instance role). */
  credentials?: S3ClientConfig['credentials'];
  /** Attempts per request, the first included (the SDK's standard retry: backoff with jitter). */
  maxAttempts?: number;
  /** A request with no progress for this long is abandoned (and retried). */
  requestTimeoutMs?: number;
  defaultUrlTtlS?: number;
  /** Multipart part size: what one upload holds in memory at most, times `queueSize`. */
  partSizeBytes?: number;
}

interface SdkError {
  name?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number; attempts?: number };
}

const statusOf = (error: unknown) => (error as SdkError).$metadata?.httpStatusCode;
const isNotFound = (error: unknown) =>
  statusOf(error) === 404 || ['NoSuchKey', 'NotFound'].includes((error as SdkError).name ?? '');

/**
 * Object storage in an S3 bucket through the AWS SDK v3. Uploads stream through lib-storage's
 * multipart upload (a few parts in memory at a time, never the whole object); reads stream the
 * response body; signed URLs are S3 presigned GETs.
 */
export function createS3ObjectStore(options: S3ObjectStoreOptions): ObjectStore {
  const { bucket } = options;
  const compatible = options.endpoint !== undefined;
  const client = new S3Client({
    region: options.region,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    forcePathStyle: compatible,
    // S3-compatible stores do not all understand the SDK's default flexible checksums (aws-chunked
    // bodies with trailing checksums): some store such uploads corrupted. Send them only where required.
    ...(compatible
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: {
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      // A stalled store is an error to retry, not a warning while the request hangs on.
      throwOnRequestTimeout: true,
      connectionTimeout: 5_000,
    },
  });

  /** An SDK failure as our error: not found, or the store unavailable after the SDK's retries. */
  const failure = (operation: string, key: string, error: unknown): Error => {
    if (error instanceof ObjectTooLargeError || error instanceof ObjectNotFoundError) return error;
    if (isNotFound(error)) return new ObjectNotFoundError(key);
    const sdk = error as SdkError;
    const attempts = sdk.$metadata?.attempts;
    const status = statusOf(error);
    return new ObjectStoreUnavailableError(
      `object storage (bucket ${bucket}): ${operation} ${key} failed` +
        (attempts ? ` after ${attempts} attempt${attempts === 1 ? '' : 's'}` : '') +
        (status ? ` (HTTP ${status})` : '') +
        `: ${sdk.name ?? 'Error'}: ${sdk.message ?? String(error)}`,
      { cause: error },
    );
  };

  const head = async (key: string): Promise<ObjectInfo | null> => {
    try {
      const out = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: checkKey(key) }));
      return {
        key,
        size: out.ContentLength ?? 0,
        contentType: out.ContentType ?? 'application/octet-stream',
        lastModified: out.LastModified ?? new Date(0),
      };
    } catch (error) {
      if (isNotFound(error)) return null;
      throw failure('head', key, error);
    }
  };

  return {
    kind: 's3',

    async put(key, body: Readable, { contentType, maxBytes, resumable }: PutOptions) {
      checkKey(key);
      const partSize = options.partSizeBytes ?? 5 * 1024 * 1024;
      if (resumable)
        return resumablePut({
          client,
          bucket,
          key,
          body,
          contentType,
          maxBytes,
          partSize,
          journal: resumable,
          failure,
        });
      const limited = sizeLimit(key, maxBytes);
      const feeding = pipeline(body, limited);
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: key, Body: limited, ContentType: contentType },
        partSize,
        queueSize: 2,
        // A failed upload aborts its multipart upload: no parts are left behind in the bucket.
        leavePartsOnError: false,
      });
      try {
        await Promise.all([upload.done(), feeding]);
      } catch (error) {
        limited.destroy();
        await feeding.catch(() => undefined);
        await upload.abort().catch(() => undefined);
        throw failure('put', key, error);
      }
      return { key, size: limited.bytes, contentType, lastModified: new Date() };
    },

    async get(key) {
      try {
        const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: checkKey(key) }));
        return {
          info: {
            key,
            size: out.ContentLength ?? 0,
            contentType: out.ContentType ?? 'application/octet-stream',
            lastModified: out.LastModified ?? new Date(0),
          },
          body: out.Body as Readable,
        };
      } catch (error) {
        throw failure('get', key, error);
      }
    },

    head,

    async delete(key) {
      try {
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: checkKey(key) }));
      } catch (error) {
        if (!isNotFound(error)) throw failure('delete', key, error);
      }
    },

    async signedUrl(key, { expiresInS = options.defaultUrlTtlS ?? 300 } = {}) {
      return getSignedUrl(client, new GetObjectCommand({ Bucket: bucket, Key: checkKey(key) }), {
        expiresIn: expiresInS,
      });
    },

    close() {
      client.destroy();
    },
  };
}
