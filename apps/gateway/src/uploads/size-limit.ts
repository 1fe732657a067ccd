import { Transform } from 'node:stream';
import { ObjectTooLargeError } from '@nxg/platform';

/** Fails the stream the moment more than `maxBytes` have passed, so a huge upload is not read to its end. */
export function sizeLimit(maxBytes: number): Transform {
  let bytes = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > maxBytes) done(new ObjectTooLargeError('upload', maxBytes));
      else done(null, chunk);
    },
  });
}
