import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { UploadErrors } from '@nxg/contracts';
import { AppError, ObjectTooLargeError } from '@nxg/platform';
import sharp from 'sharp';
import { EmptyFileError, imageSignatureCheck, NotAnImageError } from './image-signature.ts';
import { sizeLimit } from './size-limit.ts';

export interface ImageLimits {
  /** Largest upload in bytes, enforced while it streams in. */
  maxBytes: number;
  /** Largest width × height the header may declare: a decompression bomb is refused before it is decoded. */
  maxInputPixels: number;
  /** The stored image's longest side, in pixels (smaller images are not enlarged). */
  maxSide: number;
}

/** What is stored: always a JPEG without any metadata. */
export interface SanitizedImage {
  body: Buffer;
  contentType: 'image/jpeg';
  width: number;
  height: number;
  /** sha256 of the stored bytes, hex: the same photo gives the same hash, so one detection. */
  hash: string;
  /** The format of what was uploaded, by content. */
  sourceFormat: string;
}

/**
 * Turns an uploaded stream into the image we keep: checked by content (signature, then libvips'
 * own decoding with warnings as errors, so a truncated JPEG is refused), turned upright by its
 * EXIF orientation, shrunk to `maxSide`, flattened onto white and re-encoded as JPEG with no
 * metadata at all (EXIF, GPS, XMP and ICC are dropped: sharp keeps none unless asked). Refusals
 * are AppErrors with upload codes; the stream is abandoned at the first sign of trouble.
 */
export async function sanitizeImage(upload: Readable, limits: ImageLimits): Promise<SanitizedImage> {
  const signature = imageSignatureCheck();
  const transformer = sharp({
    limitInputPixels: limits.maxInputPixels,
    failOn: 'warning',
    sequentialRead: true,
  })
    .rotate()
    .resize({ width: limits.maxSide, height: limits.maxSide, fit: 'inside', withoutEnlargement: true })
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 82 });
  const output = transformer.toBuffer({ resolveWithObject: true });
  try {
    await pipeline(upload, sizeLimit(limits.maxBytes), signature, transformer);
    const { data, info } = await output;
    return {
      body: data,
      contentType: 'image/jpeg',
      width: info.width,
      height: info.height,
      hash: createHash('sha256').update(data).digest('hex'),
      sourceFormat: signature.kind ?? 'unknown',
    };
  } catch (error) {
    output.catch(() => undefined);
    upload.destroy();
    throw refusalOf(error, limits);
  }
}

/** An upload failure as the problem the member sees. */
export function refusalOf(error: unknown, limits: ImageLimits): Error {
  if (error instanceof AppError) return error;
  if (error instanceof ObjectTooLargeError || (error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
    // Answered at once; what the client still sends is discarded unread.
    return new AppError(
      413,
      UploadErrors.UPLOAD_TOO_LARGE,
      `The file is larger than ${limits.maxBytes} bytes`,
    );
  if (error instanceof EmptyFileError)
    return new AppError(400, UploadErrors.UPLOAD_FILE_EMPTY, 'The file is empty');
  if (error instanceof NotAnImageError)
    return new AppError(415, UploadErrors.IMAGE_UNSUPPORTED, 'The file is not a JPEG, PNG or WebP image');
  const message = (error as Error).message ?? '';
  if (/pixel limit/i.test(message))
    return new AppError(
      422,
      UploadErrors.IMAGE_TOO_MANY_PIXELS,
      `The image has more than ${limits.maxInputPixels} pixels`,
    );
  if (/unsupported image format|bad seek|not a known file format/i.test(message))
    return new AppError(415, UploadErrors.IMAGE_UNSUPPORTED, 'The file is not an image we can read');
  // What libvips says about a damaged file: premature end, corrupt data, bad Huffman code, CRC…
  if (/vips|jpeg|png|webp|premature|corrupt|truncat|decode|read error|Input/i.test(message))
    return new AppError(422, UploadErrors.IMAGE_CORRUPT, 'The image is damaged or truncated');
  return error as Error;
}
