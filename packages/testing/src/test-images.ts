import { randomInt } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Where the test photos say they were taken (Berlin): what the stored copy must no longer say. */
export const photoGps = { latitude: '52/1 31/1 1234/100', longitude: '13/1 24/1 0/1' };

/**
 * A real JPEG as a phone makes it: camera EXIF with GPS coordinates, turned by EXIF orientation 6
 * (stored landscape, shown portrait). Noise makes every call a different photo unless `seed`
 * repeats, and makes the file as large as a photo of that size would be.
 */
export async function phoneJpeg(
  options: { width?: number; height?: number; quality?: number; seed?: number } = {},
): Promise<Buffer> {
  const width = options.width ?? 1600;
  const height = options.height ?? 1200;
  const seed = options.seed ?? randomInt(1, 2 ** 31);
  const base = sharp({
    create: {
      width,
      height,
      channels: 3,
      background: { r: 200, g: 140, b: 80 },
      noise: { type: 'gaussian', mean: 128, sigma: 30 },
    },
  });
  // sharp's noise is not seeded: a small stamp of the seed's bits makes the same seed the same photo.
  const raw = await base.raw().toBuffer();
  for (let bit = 0; bit < 31; bit++) raw[bit * 3] = (seed >> bit) & 1 ? 255 : 0;
  return sharp(raw, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: options.quality ?? 90 })
    .withExif({
      IFD0: { Make: 'NXG TestCam', Model: 'Phone 1' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: photoGps.latitude,
        GPSLongitudeRef: 'E',
        GPSLongitude: photoGps.longitude,
      },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
}

/** The same photo made once per seed, so "the same photo again" is byte for byte the same upload. */
const madeBySeed = new Map<number, Promise<Buffer>>();
export function samePhoneJpeg(seed: number, options: { width?: number; height?: number } = {}) {
  let made = madeBySeed.get(seed);
  if (!made) {
    made = phoneJpeg({ ...options, seed });
    madeBySeed.set(seed, made);
  }
  return made;
}

/** A PNG of the given size. */
export async function plainPng(width = 64, height = 48): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#3a7' } })
    .png()
    .toBuffer();
}

const crc32 = (bytes: Buffer) => {
  let crc = ~0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc >>> 0;
};

const pngChunk = (type: string, data: Buffer) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};

/**
 * A decompression bomb: a small PNG whose header declares `side` × `side` pixels (20,000² is 1.2 GB
 * decoded). Its first rows are real compressed data; a decoder that trusted the header would
 * allocate for all of it.
 */
export function pngBomb(side = 20_000): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const rows = deflateSync(Buffer.alloc((side * 3 + 1) * 16));
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', rows),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A JPEG cut off half way, as an interrupted phone upload leaves it. */
export async function truncatedJpeg(): Promise<Buffer> {
  const whole = await phoneJpeg({ width: 800, height: 600 });
  return whole.subarray(0, Math.floor(whole.length / 2));
}
