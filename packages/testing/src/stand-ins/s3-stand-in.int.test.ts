import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  cacheUploadJournal,
  createCache,
  createS3ObjectStore,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  ObjectTooLargeError,
  type ObjectStore,
  type UploadJournal,
} from '@nxg/platform';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../wait-for.ts';
import { startS3StandIn, type S3StandIn } from './s3-stand-in.ts';

const MiB = 1024 * 1024;

/**
 * `data`, 256 KiB at a time, that breaks off (as a client's dropped connection does) once `after`
 * bytes were read and the journal holds `parts` stored parts.
 */
function breaksOff(data: Buffer, after: number, journal: UploadJournal, parts: number) {
  let sent = 0;
  const stream = new Readable({
    read() {
      if (sent >= after) return;
      const chunk = data.subarray(sent, Math.min(after, sent + 256 * 1024));
      sent += chunk.length;
      this.push(chunk);
    },
  });
  void waitFor(async () => ((await journal.load())?.parts.length ?? 0) >= parts, 10_000).then(() =>
    stream.destroy(new Error('the client went away')),
  );
  return stream;
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/** `bytes` of random data in 256 KiB chunks, made as they are read, and the hash of it all. */
function randomStream(bytes: number) {
  const hash = createHash('sha256');
  let left = bytes;
  const stream = new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const chunk = randomBytes(Math.min(left, 256 * 1024));
      left -= chunk.length;
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

async function sha256Of(body: AsyncIterable<unknown>) {
  const hash = createHash('sha256');
  for await (const chunk of body) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

describe('S3 object store against the S3 stand-in (s3rver)', () => {
  let s3: S3StandIn;
  let store: ObjectStore;
  const storeWith = (extra: { maxAttempts?: number; requestTimeoutMs?: number } = {}) =>
    createS3ObjectStore({
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      credentials: s3.credentials,
      ...extra,
    });

  beforeAll(async () => {
    s3 = await startS3StandIn();
    store = storeWith();
  });
  afterEach(() => s3.behave({ mode: 'healthy' }));
  afterAll(async () => {
    store.close();
    await s3.close();
  });

  it('round-trips a 12 MiB streamed multipart upload byte for byte', async () => {
    const body = randomStream(12 * MiB);
    const info = await store.put('nutrition/meals/big.jpg', body.stream, {
      contentType: 'image/jpeg',
      maxBytes: 20 * MiB,
    });
    expect(info).toMatchObject({ size: 12 * MiB, contentType: 'image/jpeg' });
    // Sent in parts, not as one request holding the whole object.
    expect(s3.requests().filter((r) => r.method === 'PUT' && r.url.includes('partNumber=')).length).toBe(3);
    expect(await store.head('nutrition/meals/big.jpg')).toMatchObject({
      size: 12 * MiB,
      contentType: 'image/jpeg',
    });
    const { info: read, body: out } = await store.get('nutrition/meals/big.jpg');
    expect(read.size).toBe(12 * MiB);
    expect(await sha256Of(out)).toBe(body.digest());
  });

  it('round-trips a small object and reads it back through a presigned URL', async () => {
    const bytes = randomBytes(40_000);
    await store.put('avatars/u1.png', Readable.from([bytes]), { contentType: 'image/png', maxBytes: MiB });
    const url = await store.signedUrl('avatars/u1.png', { expiresInS: 60 });
    expect(url).toContain('X-Amz-Signature=');
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
    // Short-lived: S3 refuses it after the minute (s3rver does not check that; real S3 does).
    expect(new URL(url).searchParams.get('X-Amz-Expires')).toBe('60');
  });

  it('answers a missing object as absent, and deletes idempotently', async () => {
    expect(await store.head('nope/x.jpg')).toBeNull();
    await expect(store.get('nope/x.jpg')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await store.put('tmp/x', Readable.from([Buffer.from('x')]), { contentType: 'text/plain', maxBytes: 10 });
    await store.delete('tmp/x');
    await store.delete('tmp/x');
    expect(await store.head('tmp/x')).toBeNull();
  });

  it('refuses a small object over the limit without storing it', async () => {
    const body = randomStream(2 * MiB);
    await expect(
      store.put('nutrition/meals/too-big.jpg', body.stream, { contentType: 'image/jpeg', maxBytes: MiB }),
    ).rejects.toBeInstanceOf(ObjectTooLargeError);
    expect(await store.head('nutrition/meals/too-big.jpg')).toBeNull();
  });

  it('refuses a multipart upload over the limit, aborting the parts already sent', async () => {
    const before = s3.requests().length;
    const body = randomStream(14 * MiB);
    await expect(
      store.put('nutrition/meals/huge.jpg', body.stream, { contentType: 'image/jpeg', maxBytes: 11 * MiB }),
    ).rejects.toBeInstanceOf(ObjectTooLargeError);
    expect(await store.head('nutrition/meals/huge.jpg')).toBeNull();
    const during = () => s3.requests().slice(before);
    expect(during().some((r) => r.method === 'POST' && r.url.includes('uploads'))).toBe(true);
    // lib-storage sends the abort once its part uploaders have stopped, which may be just after
    // put() has refused the upload: wait for it rather than race it.
    await waitFor(
      async () => during().some((r) => r.method === 'DELETE' && r.url.includes('uploadId=')),
      10_000,
    );
  });

  it('retries 503s and succeeds when the store recovers', async () => {
    s3.behave({ mode: 'fail', status: 503, times: 2 });
    const before = s3.requests().length;
    await store.put('retry/ok.txt', Readable.from([Buffer.from('hello')]), {
      contentType: 'text/plain',
      maxBytes: 100,
    });
    expect(
      s3
        .requests()
        .slice(before)
        .map((r) => r.status),
    ).toEqual([503, 503, 200]);
    const { body } = await store.get('retry/ok.txt');
    expect(Buffer.concat(await body.toArray()).toString()).toBe('hello');
  });

  it('gives a clear error once the retries are spent on 500s', async () => {
    s3.behave({ mode: 'fail', status: 500 });
    const error = await store.head('retry/ok.txt').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ObjectStoreUnavailableError);
    expect((error as Error).message).toMatch(
      /bucket nxg-test.*head retry\/ok\.txt failed after 3 attempts \(HTTP 500\)/,
    );
    const put = await store
      .put('retry/never.txt', Readable.from([Buffer.from('x')]), { contentType: 'text/plain', maxBytes: 10 })
      .catch((e: unknown) => e);
    expect(put).toBeInstanceOf(ObjectStoreUnavailableError);
    s3.behave({ mode: 'healthy' });
    expect(await store.head('retry/never.txt')).toBeNull();
  });

  it('abandons a stalled request after its timeout and reports the store unavailable', async () => {
    const impatient = storeWith({ requestTimeoutMs: 300, maxAttempts: 2 });
    try {
      s3.behave({ mode: 'stall' });
      const error = await impatient.get('retry/ok.txt').catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ObjectStoreUnavailableError);
      expect((error as Error).message).toMatch(/get retry\/ok\.txt failed/);
      s3.behave({ mode: 'healthy' });
      // The same client works again once the store answers.
      const { body } = await impatient.get('retry/ok.txt');
      expect(Buffer.concat(await body.toArray()).toString()).toBe('hello');
    } finally {
      impatient.close();
    }
  });

  describe('resumable uploads', () => {
    const cache = createCache({ prefix: 'resumable-test' });
    const partsSent = (since: number) =>
      s3
        .requests()
        .slice(since)
        .filter((r) => r.method === 'PUT' && r.url.includes('partNumber='))
        .map((r) => Number(/partNumber=(\d+)/.exec(r.url)![1]));
    const created = (since: number) =>
      s3
        .requests()
        .slice(since)
        .filter((r) => r.method === 'POST' && r.url.includes('?uploads')).length;
    afterAll(() => cache.close());

    it('resumes an upload that broke off, sending only the parts storage does not hold', async () => {
      const key = 'scans/uploads/resumed';
      const journal = cacheUploadJournal(cache, key, 60);
      const data = randomBytes(13 * MiB);
      const options = { contentType: 'model/ply', maxBytes: 20 * MiB, resumable: journal };

      const first = s3.requests().length;
      await expect(store.put(key, breaksOff(data, 11 * MiB, journal, 2), options)).rejects.toThrow();
      expect(partsSent(first)).toEqual([1, 2]);
      expect(await store.head(key)).toBeNull(); // nothing visible until complete
      expect((await journal.load())!.parts.map((p) => p.partNumber)).toEqual([1, 2]);

      const retry = s3.requests().length;
      const info = await store.put(key, Readable.from(data), options);
      expect(info.size).toBe(13 * MiB);
      // The same multipart upload, carried on: only part 3 went up this time.
      expect(created(retry)).toBe(0);
      expect(partsSent(retry)).toEqual([3]);
      const { body } = await store.get(key);
      expect(await sha256Of(body)).toBe(sha256(data));
      expect(await journal.load()).toBeNull();
    });

    it('sends again a part whose bytes changed since the upload broke off', async () => {
      const key = 'scans/uploads/changed';
      const journal = cacheUploadJournal(cache, key, 60);
      const data = randomBytes(11 * MiB);
      const options = { contentType: 'model/ply', maxBytes: 20 * MiB, resumable: journal };
      await expect(store.put(key, breaksOff(data, 10 * MiB, journal, 2), options)).rejects.toThrow();

      // Another file under the same key: its first part differs, its second is the same.
      const other = Buffer.concat([randomBytes(5 * MiB), data.subarray(5 * MiB)]);
      const retry = s3.requests().length;
      await store.put(key, Readable.from(other), options);
      expect(partsSent(retry)).toEqual([1, 3]);
      const { body } = await store.get(key);
      expect(await sha256Of(body)).toBe(sha256(other));
    });

    it('forgets an upload that grew past the limit, aborting its parts', async () => {
      const key = 'scans/uploads/too-big';
      const journal = cacheUploadJournal(cache, key, 60);
      const since = s3.requests().length;
      await expect(
        store.put(key, randomStream(12 * MiB).stream, {
          contentType: 'model/ply',
          maxBytes: 8 * MiB,
          resumable: journal,
        }),
      ).rejects.toBeInstanceOf(ObjectTooLargeError);
      expect(partsSent(since).length).toBeGreaterThanOrEqual(1);
      expect(await journal.load()).toBeNull();
      expect(
        s3
          .requests()
          .slice(since)
          .some((r) => r.method === 'DELETE' && r.url.includes('uploadId=')),
      ).toBe(true);
      expect(await store.head(key)).toBeNull();
    });
  });
});
