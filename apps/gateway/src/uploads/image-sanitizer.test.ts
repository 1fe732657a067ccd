import { Readable } from 'node:stream';
import { AppError } from '@nxg/platform';
import { phoneJpeg, plainPng, pngBomb, truncatedJpeg } from '@nxg/testing';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { sanitizeImage, type ImageLimits } from './image-sanitizer.ts';

const limits: ImageLimits = { maxBytes: 2 * 1024 * 1024, maxInputPixels: 40_000_000, maxSide: 1024 };
const chunked = (bytes: Buffer, size = 16 * 1024) =>
  Readable.from(
    Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) =>
      bytes.subarray(i * size, (i + 1) * size),
    ),
  );

const refusal = async (bytes: Buffer | Readable, custom = limits) => {
  const error = await sanitizeImage(Buffer.isBuffer(bytes) ? chunked(bytes) : bytes, custom).catch(
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
};

describe('sanitizeImage', () => {
  it('turns a phone photo upright, bounds its size and drops every byte of metadata', async () => {
    const photo = await phoneJpeg({ width: 1600, height: 1200 });
    const before = await sharp(photo).metadata();
    expect(before.orientation).toBe(6);
    expect(before.exif?.toString('latin1')).toContain('NXG TestCam');

    const image = await sanitizeImage(chunked(photo), limits);
    const after = await sharp(image.body).metadata();
    // Orientation 6 is a quarter turn: the landscape sensor image becomes portrait, longest side 1024.
    expect([image.width, image.height]).toEqual([768, 1024]);
    expect([after.width, after.height, after.format]).toEqual([768, 1024, 'jpeg']);
    expect(after.exif).toBeUndefined();
    expect(after.orientation).toBeUndefined();
    expect(after.xmp).toBeUndefined();
    expect(image.body.includes(Buffer.from('NXG TestCam'))).toBe(false);
    expect(image.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('gives the same photo the same hash, and another photo another', async () => {
    const photo = await phoneJpeg({ width: 400, height: 300, seed: 7 });
    const [a, b] = await Promise.all([
      sanitizeImage(chunked(photo), limits),
      sanitizeImage(chunked(photo), limits),
    ]);
    expect(a.hash).toBe(b.hash);
    const other = await sanitizeImage(chunked(await phoneJpeg({ width: 400, height: 300, seed: 8 })), limits);
    expect(other.hash).not.toBe(a.hash);
  });

  it('takes a PNG by its content and stores it as JPEG', async () => {
    const image = await sanitizeImage(chunked(await plainPng()), limits);
    expect(image.sourceFormat).toBe('png');
    expect((await sharp(image.body).metadata()).format).toBe('jpeg');
  });

  it('refuses a text file, whatever it is called', async () => {
    expect((await refusal(Buffer.from('hello, I am definitely a JPEG\n'.repeat(20)))).code).toBe(
      'IMAGE_UNSUPPORTED',
    );
  });

  it('refuses an empty file', async () => {
    expect((await refusal(Readable.from([]))).code).toBe('UPLOAD_FILE_EMPTY');
  });

  it('refuses a decompression bomb from its header', async () => {
    const error = await refusal(pngBomb(20_000));
    expect([error.code, error.status]).toEqual(['IMAGE_TOO_MANY_PIXELS', 422]);
  });

  it('refuses a truncated JPEG', async () => {
    const error = await refusal(await truncatedJpeg());
    expect([error.code, error.status]).toEqual(['IMAGE_CORRUPT', 422]);
  });

  it('refuses a file over the limit before reading all of it', async () => {
    let pulled = 0;
    const endless = new Readable({
      read() {
        pulled += 64 * 1024;
        this.push(
          pulled === 64 * 1024
            ? Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64 * 1024 - 4)])
            : Buffer.alloc(64 * 1024),
        );
      },
    });
    const error = await refusal(endless, { ...limits, maxBytes: 1024 * 1024 });
    expect([error.code, error.status]).toEqual(['UPLOAD_TOO_LARGE', 413]);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
  });
});
