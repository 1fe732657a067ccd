import { Transform } from 'node:stream';
import { ObjectTooLargeError } from './object-store.ts';

/** Passes bytes through, and fails the stream the moment more than `maxBytes` have passed. */
export function sizeLimit(key: string, maxBytes: number): Transform & { readonly bytes: number } {
  let bytes = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new ObjectTooLargeError(key, maxBytes));
      else done(null, chunk);
    },
  });
  return Object.defineProperty(limiter, 'bytes', { get: () => bytes }) as Transform & {
    readonly bytes: number;
  };
}
