import {
  AbortMultipartUploadCommand,
  ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Cache } from '../cache.ts';
import { ObjectStoreUnavailableError, ObjectTooLargeError, type ObjectInfo } from './object-store.ts';
import { sizeLimit } from './size-limit.ts';

/** A part already in the multipart upload: what S3 needs to complete it, and what it held. */
export interface StoredPart {
  partNumber: number;
  etag: string;
  /** sha256 of the part's bytes: a retry skips the part only when it sends the same bytes. */
  sha256: string;
  size: number;
  /** The part's flexible checksums, when the upload was created with one (AWS's default). */
  checksums?: Partial<Record<'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME', string>>;
}

/** How far a multipart upload got: its id and the parts S3 holds. */
export interface UploadProgress {
  uploadId: string;
  parts: StoredPart[];
}

/**
 * Where an interrupted upload's progress is kept until the same upload is tried again (the same
 * object key): a put given one leaves an interrupted multipart upload open, and the next put
 * re-sends only the parts S3 does not already hold with the same bytes.
 */
export interface UploadJournal {
  load(): Promise<UploadProgress | null>;
  save(progress: UploadProgress): Promise<void>;
  clear(): Promise<void>;
}

/**
 * A journal in the cache (Redis, shared by replicas), kept `ttlS` seconds. The bucket should abort
 * incomplete multipart uploads somewhat later than that (an S3 lifecycle rule), so parts of an
 * upload nobody retries do not stay.
 */
export function cacheUploadJournal(cache: Cache, name: string, ttlS: number): UploadJournal {
  const key = `upload-journal:${name}`;
  return {
    async load() {
      const raw = await cache.get(key).catch(() => null);
      return raw ? (JSON.parse(raw) as UploadProgress) : null;
    },
    // Without the journal the upload still goes through; only a later retry resends every part.
    save: (progress) => cache.set(key, JSON.stringify(progress), ttlS).catch(() => undefined),
    clear: () => cache.del(key).catch(() => undefined),
  };
}

/** The stream cut into `size`-byte parts (the last one shorter), each held once in memory. */
async function* partsOf(stream: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    let rest = chunk;
    while (length + rest.length >= size) {
      const take = size - length;
      pending.push(rest.subarray(0, take));
      yield Buffer.concat(pending, size);
      rest = rest.subarray(take);
      pending = [];
      length = 0;
    }
    if (rest.length) {
      pending.push(rest);
      length += rest.length;
    }
  }
  if (length) yield Buffer.concat(pending, length);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

const noSuchUpload = (error: unknown) => (error as { name?: string }).name === 'NoSuchUpload';

export interface ResumablePutInput {
  client: S3Client;
  bucket: string;
  key: string;
  body: Readable;
  contentType: string;
  maxBytes: number;
  partSize: number;
  journal: UploadJournal;
  /** Turns an SDK failure into the store's error. */
  failure: (operation: string, key: string, error: unknown) => Error;
}

/**
 * A multipart upload that survives its body breaking off: each finished part is written to the
 * journal, an interrupted upload is left open (not aborted), and the next put of the same key
 * skips every part S3 already holds with the same bytes, sending only the rest. One part uploads
 * while the next is read. A body that fits in one part is a plain PutObject. A body over
 * `maxBytes` aborts the upload and forgets it.
 */
export async function resumablePut(input: ResumablePutInput): Promise<ObjectInfo> {
  const { client, bucket, key, contentType, partSize, journal } = input;
  const limited = sizeLimit(key, input.maxBytes);
  const feeding = pipeline(input.body, limited);
  const previous = await journal.load();
  let uploadId = previous?.uploadId;
  const parts = new Map((previous?.parts ?? []).map((p) => [p.partNumber, p]));
  let partNumber = 0;
  let uploading: Promise<void> = Promise.resolve();

  const create = async () => {
    const checksums = await client.config.requestChecksumCalculation();
    const created = await client.send(
      new CreateMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        ContentType: contentType,
        // As lib-storage does: where the SDK checksums every part, the upload must say which.
        ...(checksums === 'WHEN_SUPPORTED' ? { ChecksumAlgorithm: ChecksumAlgorithm.CRC32 } : {}),
      }),
    );
    await journal.save({ uploadId: created.UploadId!, parts: [] });
    return created.UploadId!;
  };

  const send = async (id: string, number: number, data: Buffer, hash: string) => {
    const out = await client.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: id,
        PartNumber: number,
        Body: data,
        ContentLength: data.length,
      }),
    );
    const checksums = Object.fromEntries(
      (['ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumCRC64NVME'] as const)
        .filter((name) => out[name])
        .map((name) => [name, out[name]!]),
    );
    parts.set(number, { partNumber: number, etag: out.ETag!, sha256: hash, size: data.length, checksums });
    await journal.save({ uploadId: id, parts: [...parts.values()] });
  };

  /** The whole object in one request: no multipart upload at all. */
  const putWhole = async (data: Buffer): Promise<ObjectInfo> => {
    await client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: data, ContentType: contentType }),
    );
    if (uploadId !== undefined) {
      await client
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
        .catch(() => undefined);
      await journal.clear();
    }
    return { key, size: data.length, contentType, lastModified: new Date() };
  };

  try {
    const sentNow: number[] = [];
    for await (const data of partsOf(limited, partSize)) {
      partNumber++;
      if (partNumber === 1 && data.length < partSize && uploadId === undefined) return putWhole(data);
      const hash = sha256(data);
      const held = parts.get(partNumber);
      sentNow.push(partNumber);
      if (held && held.sha256 === hash && held.size === data.length) continue; // resumed: not sent again
      uploadId ??= await create();
      await uploading;
      uploading = send(uploadId, partNumber, data, hash);
      // Noticed at once, not only after the next part has been read.
      uploading.catch(() => undefined);
    }
    await uploading;
    await feeding;
    if (partNumber === 0) return putWhole(Buffer.alloc(0));
    const completed: CompletedPart[] = sentNow.map((n) => {
      const part = parts.get(n)!;
      return { PartNumber: n, ETag: part.etag, ...part.checksums };
    });
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: key,
        // Set: by the journal when every part was already held, or when the first part was sent.
        UploadId: uploadId!,
        MultipartUpload: { Parts: completed },
      }),
    );
    await journal.clear();
    return { key, size: limited.bytes, contentType, lastModified: new Date() };
  } catch (error) {
    limited.destroy();
    await feeding.catch(() => undefined);
    // Parts on their way finish (or fail) before the journal is left for the retry.
    await uploading.catch(() => undefined);
    if (error instanceof ObjectTooLargeError || noSuchUpload(error)) {
      // Never to be completed: drop the parts, and let a retry start afresh.
      if (uploadId !== undefined && !noSuchUpload(error))
        await client
          .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }))
          .catch(() => undefined);
      await journal.clear();
      if (noSuchUpload(error))
        throw new ObjectStoreUnavailableError(
          `object storage (bucket ${bucket}): the upload of ${key} to resume is gone; send it again`,
          { cause: error },
        );
    }
    throw input.failure('put', key, error);
  }
}
