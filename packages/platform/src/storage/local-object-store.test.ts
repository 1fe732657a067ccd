import { createHash, randomBytes } from 'node:crypto';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support.ts';
import { createLocalObjectStore } from './local-object-store.ts';
import { ObjectNotFoundError, ObjectTooLargeError, type ObjectStore } from './object-store.ts';
import { openSignedObject } from './signed-object-reader.ts';
import { verifySignedObjectUrl } from './signed-url.ts';

const secret = 'local-store-test-secret-32-chars!!!';

/** `chunks` random chunks, streamed as they are made, and the hash of them all. */
function randomStream(chunks: number, chunkBytes = 256 * 1024) {
  const hash = createHash('sha256');
  let made = 0;
  const stream = new Readable({
    read() {
      if (made++ === chunks) return this.push(null);
      const chunk = randomBytes(chunkBytes);
      hash.update(chunk);
      this.push(chunk);
    },
  });
  return { stream, digest: () => hash.digest('hex') };
}

async function sha256Of(stream: Readable) {
  const hash = createHash('sha256');
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe('local object store', () => {
  let dir: string;
  let store: ObjectStore;
  beforeAll(async () => {
    dir = await tempDir('objects-');
    store = await createLocalObjectStore({
      directory: dir,
      publicBaseUrl: 'http://gw.test',
      urlSecret: secret,
    });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('streams a multi-MB object in and out byte for byte', async () => {
    const body = randomStream(24); // 6 MiB
    const info = await store.put('nutrition/meals/m1.jpg', body.stream, {
      contentType: 'image/jpeg',
      maxBytes: 10 * 1024 * 1024,
    });
    expect(info).toMatchObject({
      key: 'nutrition/meals/m1.jpg',
      size: 6 * 1024 * 1024,
      contentType: 'image/jpeg',
    });
    const { info: read, body: out } = await store.get('nutrition/meals/m1.jpg');
    expect(read.contentType).toBe('image/jpeg');
    expect(await sha256Of(out)).toBe(body.digest());
    expect(await store.head('nutrition/meals/m1.jpg')).toMatchObject({ size: 6 * 1024 * 1024 });
  });

  it('refuses an object over the limit while streaming, and stores nothing', async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced++;
        this.push(Buffer.alloc(64 * 1024, 1));
      },
    });
    await expect(
      store.put('nutrition/meals/big.jpg', endless, { contentType: 'image/jpeg', maxBytes: 1024 * 1024 }),
    ).rejects.toBeInstanceOf(ObjectTooLargeError);
    // It stopped reading shortly after the limit, not at the end of the (endless) body.
    expect(produced).toBeLessThan(64);
    expect(await store.head('nutrition/meals/big.jpg')).toBeNull();
    expect((await filesUnder(join(dir, 'tmp'))).length).toBe(0);
    expect((await filesUnder(join(dir, 'data'))).some((f) => f.endsWith('big.jpg'))).toBe(false);
  });

  it('keeps the previous object whole when a replacement fails half way', async () => {
    await store.put('avatars/u1.png', Readable.from([Buffer.from('first version')]), {
      contentType: 'image/png',
      maxBytes: 100,
    });
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(
      store.put('avatars/u1.png', failing, { contentType: 'image/png', maxBytes: 100 }),
    ).rejects.toThrow('client went away');
    const { body } = await store.get('avatars/u1.png');
    expect(Buffer.concat(await body.toArray()).toString()).toBe('first version');
  });

  it('answers a missing object as absent, and deletes idempotently', async () => {
    expect(await store.head('nope/x')).toBeNull();
    await expect(store.get('nope/x')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await store.put('tmp/gone', Readable.from([Buffer.from('x')]), {
      contentType: 'text/plain',
      maxBytes: 10,
    });
    await store.delete('tmp/gone');
    await store.delete('tmp/gone');
    expect(await store.head('tmp/gone')).toBeNull();
  });

  it('refuses keys that would leave the store', async () => {
    for (const key of ['../etc/passwd', '/abs', 'a/../../b', 'a//b', 'a\\b', '']) {
      await expect(store.put(key, Readable.from([]), { contentType: 'x/y', maxBytes: 1 })).rejects.toThrow(
        /invalid object key/,
      );
    }
  });

  it('signs gateway URLs that verify to the key', async () => {
    const url = await store.signedUrl('nutrition/meals/m1.jpg', { expiresInS: 60 });
    expect(url.startsWith('http://gw.test/v1/objects/nutrition/meals/m1.jpg?')).toBe(true);
    expect(verifySignedObjectUrl(secret, url.slice('http://gw.test'.length))).toEqual({
      ok: true,
      key: 'nutrition/meals/m1.jpg',
    });
  });

  it('serves a signed URL back as the object, and refuses a forged, expired or dangling one', async () => {
    const bytes = randomBytes(10_000);
    await store.put('scans/s1.csv', Readable.from([bytes]), { contentType: 'text/csv', maxBytes: 20_000 });
    const path = (await store.signedUrl('scans/s1.csv', { expiresInS: 60 })).slice('http://gw.test'.length);
    const read = await openSignedObject(store, secret, path);
    if (!read.ok) throw new Error(`refused: ${read.reason}`);
    expect(read.info).toMatchObject({ contentType: 'text/csv', size: 10_000 });
    expect(Buffer.concat(await read.body.toArray()).equals(bytes)).toBe(true);

    const forged = path.replace('s1.csv', 's2.csv');
    expect(await openSignedObject(store, secret, forged)).toEqual({
      ok: false,
      status: 403,
      reason: 'bad-signature',
    });
    expect(await openSignedObject(store, secret, path, Date.now() + 61_000)).toEqual({
      ok: false,
      status: 403,
      reason: 'expired',
    });
    await store.delete('scans/s1.csv');
    expect(await openSignedObject(store, secret, path)).toEqual({
      ok: false,
      status: 404,
      reason: 'not-found',
    });
  });
});
