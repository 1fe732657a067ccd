import { Transform, type TransformCallback } from 'node:stream';

/** The image formats accepted, by their leading bytes (never by declared type or file name). */
export type ImageKind = 'jpeg' | 'png' | 'webp';

const startsWith = (head: Buffer, bytes: number[], at = 0) => bytes.every((b, i) => head[at + i] === b);

/** The format the first bytes announce, or null when they announce none we accept. */
export function imageKindOf(head: Buffer): ImageKind | null {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  // RIFF <size> WEBP
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8))
    return 'webp';
  return null;
}

const HEAD_BYTES = 12;

export class NotAnImageError extends Error {
  override name = 'NotAnImageError';
}
export class EmptyFileError extends Error {
  override name = 'EmptyFileError';
}

/**
 * Passes bytes through once the first 12 have shown an accepted image signature; fails the stream
 * at once otherwise, so a text file called photo.jpg is refused after its first chunk. `kind`
 * holds what was found.
 */
export function imageSignatureCheck(): Transform & { readonly kind: ImageKind | null } {
  let head = Buffer.alloc(0);
  let kind: ImageKind | null = null;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      if (kind) return done(null, chunk);
      head = Buffer.concat([head, chunk]);
      if (head.length < HEAD_BYTES) return done();
      kind = imageKindOf(head);
      if (!kind) return done(new NotAnImageError('not a JPEG, PNG or WebP image'));
      done(null, head);
    },
    flush(done: TransformCallback) {
      if (kind) return done();
      if (head.length === 0) return done(new EmptyFileError('the file is empty'));
      done(new NotAnImageError('too short to be an image'));
    },
  });
  return Object.defineProperty(check, 'kind', { get: () => kind }) as Transform & {
    readonly kind: ImageKind | null;
  };
}
