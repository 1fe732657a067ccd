import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { ApiResponse } from './http-client.ts';

/** One part of a multipart form: a file (bytes, declared type, name) or a text field. */
export type FormPart =
  { name: string; file: Buffer; type?: string; filename?: string } | { name: string; value: string };

const parse = (text: string): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
};

/** Posts a multipart form as a phone app would (fetch + FormData). */
export async function postForm(url: string, token: string, parts: FormPart[]): Promise<ApiResponse> {
  const form = new FormData();
  for (const part of parts) {
    if ('file' in part)
      form.append(
        part.name,
        new Blob([new Uint8Array(part.file)], { type: part.type ?? 'image/jpeg' }),
        part.filename ?? 'meal.jpg',
      );
    else form.append(part.name, part.value);
  }
  const response = await fetch(url, {
    method: 'POST',
    body: form,
    headers: { authorization: `Bearer ${token}` },
  });
  return { status: response.status, headers: response.headers, body: parse(await response.text()) };
}

/** Posts one photo in the `photo` field, with optional text fields. */
export const uploadPhoto = (
  url: string,
  token: string,
  photo: Buffer,
  options: { type?: string; filename?: string; fields?: Record<string, string> } = {},
) =>
  postForm(url, token, [
    ...Object.entries(options.fields ?? {}).map(([name, value]) => ({ name, value })),
    {
      name: 'photo',
      file: photo,
      ...(options.type ? { type: options.type } : {}),
      ...(options.filename ? { filename: options.filename } : {}),
    },
  ]);

/**
 * Streams a multipart upload of about `totalBytes`: a JPEG start followed by application segments
 * (as a camera's enormous maker notes would be), each made only as the socket takes it, and stops
 * sending once the server answers. Says how many bytes had been sent when the answer came, to
 * show a refusal came before the file was all read.
 */
export async function streamHugeUpload(
  url: string,
  token: string,
  totalBytes: number,
): Promise<{ status: number; body: unknown; bytesSent: number }> {
  const boundary = `----nxg${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="huge.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  // APP15 segments: marker, length 65535 (itself included), 65533 bytes of data.
  const segment = Buffer.concat([Buffer.from([0xff, 0xef, 0xff, 0xff]), Buffer.alloc(65_533)]);
  const segments = Math.ceil(totalBytes / segment.length);
  const soi = Buffer.from([0xff, 0xd8]);
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    let bytesSent = 0;
    let answered = false;
    const req = request({
      host: target.hostname,
      port: target.port,
      path: target.pathname,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + soi.length + segments * segment.length + tail.length),
      },
    });
    req.on('response', (res) => {
      answered = true;
      const sentWhenAnswered = bytesSent;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        req.destroy();
        resolve({
          status: res.statusCode ?? 0,
          body: parse(Buffer.concat(chunks).toString()),
          bytesSent: sentWhenAnswered,
        });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    let sent = -1;
    const pump = () => {
      while (!answered) {
        const piece = sent === -1 ? Buffer.concat([head, soi]) : sent < segments ? segment : null;
        if (!piece) {
          req.end(tail);
          return;
        }
        sent++;
        bytesSent += piece.length;
        if (!req.write(piece)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}
