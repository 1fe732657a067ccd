import { request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { waitFor } from '@nxg/testing';

/** A LookinBody-style CSV export of one test; `overrides` replace columns (header → cell). */
export function inbodyCsv(
  overrides: Record<string, string> = {},
  extra: Record<string, string> = {},
): string {
  const columns: Record<string, string> = {
    ID: 'M-0042',
    'Height(cm)': '178',
    Gender: 'M',
    Age: '34',
    'Test Date / Time': '2026.11.29 07:15:00',
    'Weight(kg)': '78.4',
    'TBW(L)': '44.7',
    'SMM(kg)': '35.2',
    'PBF(%)': '18.6',
    'BMR(kcal)': '1712',
    VFL: '6',
    ...overrides,
    ...extra,
  };
  const header = Object.keys(columns);
  return `${header.join(',')}\r\n${header.map((h) => columns[h]).join(',')}\r\n`;
}

export interface UploadResult {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  headers: Headers;
}

/** `POST /v1/scans` as the app sends it: multipart with the file (and a member for staff uploads). */
export async function uploadScan(
  gatewayUrl: string,
  token: string,
  file: { content: string | Buffer; type: string; name?: string } | undefined,
  options: { userId?: string; idempotencyKey?: string } = {},
): Promise<UploadResult> {
  const form = new FormData();
  if (options.userId) form.append('userId', options.userId);
  if (file) form.append('file', new Blob([file.content], { type: file.type }), file.name ?? 'inbody.csv');
  const response = await fetch(`${gatewayUrl}/v1/scans`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
    },
    body: form,
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON
  }
  return { status: response.status, body, headers: response.headers };
}

/**
 * The retry of a dropped upload under the same Idempotency-Key: sent again while the gateway still
 * answers 409 (the dropped request may still be winding down), then the answer.
 */
export function retryUpload(
  gatewayUrl: string,
  token: string,
  file: { content: string | Buffer; type: string; name?: string },
  idempotencyKey: string,
): Promise<UploadResult> {
  return waitFor(async () => {
    const sent = await uploadScan(gatewayUrl, token, file, { idempotencyKey });
    return sent.status !== 409 && sent;
  });
}

/**
 * Starts a multipart upload and drops the connection part way through the file (half of it by
 * default), as a phone losing its signal does: 300 ms after the bytes are written, or once
 * `dropWhen` holds.
 */
export async function abortedUpload(
  gatewayUrl: string,
  token: string,
  idempotencyKey: string,
  file: Buffer,
  options: { sendBytes?: number; dropWhen?: () => boolean | Promise<boolean> } = {},
) {
  const boundary = `----nxg${randomUUID()}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="scan.ply"\r\nContent-Type: model/ply\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const url = new URL('/v1/scans', gatewayUrl);
  await new Promise<void>((resolve) => {
    const req = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'idempotency-key': idempotencyKey,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + file.length + tail.length),
      },
    });
    req.on('error', () => resolve());
    req.on('response', (res) => {
      res.resume();
      resolve();
    });
    req.write(head);
    const drop = () => {
      req.destroy();
      resolve();
    };
    req.write(file.subarray(0, options.sendBytes ?? Math.floor(file.length / 2)), () => {
      const { dropWhen } = options;
      // Give the gateway time to start storing (or until told), then go away.
      if (!dropWhen) return setTimeout(drop, 300);
      void waitFor(async () => dropWhen(), 15_000).then(drop, drop);
    });
  });
}
