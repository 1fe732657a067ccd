import Type from 'typebox';
import { defineOperation } from '../operation.ts';
import { CommonErrorCodes as C } from '../errors.ts';
import { Id, page, Pagination } from '../identity/schemas.ts';
import { ScanErrors as E } from './errors.ts';
import { Scan, ScanAccepted, scanFileTypes, ScanIdParams, UploadedFile } from './schemas.ts';

const humans = ['member'] as const;

/** Largest scan file the gateway streams to object storage (a raw 3D scan is large; an export is small). */
export const SCAN_MAX_BYTES = 200 * 1024 * 1024;

export const upload = defineOperation('identity', 'scans.upload', {
  summary:
    'Upload an InBody export (CSV/JSON) or a 3D scan file (multipart `file`, and `userId` when staff upload for a member of their branch); processed asynchronously',
  http: {
    method: 'POST',
    path: '/v1/scans',
    status: 202,
    fileUpload: {
      maxBytes: SCAN_MAX_BYTES,
      contentTypes: Object.keys(scanFileTypes),
      fields: Type.Object(
        { userId: Type.Optional(Id) },
        { additionalProperties: false, description: 'Form fields beside `file`' },
      ),
    },
  },
  access: humans,
  critical: true,
  body: Type.Object(
    {
      /** Chosen by the gateway: derived from the Idempotency-Key, so a retried upload is the same scan. */
      scanId: Id,
      userId: Type.Optional(Id),
      file: UploadedFile,
    },
    { additionalProperties: false },
  ),
  output: ScanAccepted,
  errors: [
    E.SCAN_FILE_MISSING,
    E.SCAN_FILE_TYPE_UNSUPPORTED,
    E.SCAN_FILE_TOO_LARGE,
    E.SCAN_UPLOAD_INCOMPLETE,
    E.SCAN_FORM_INVALID,
    E.INBODY_FILE_MALFORMED,
    E.INBODY_VALUE_IMPLAUSIBLE,
    E.SCAN_MEMBER_NOT_IN_BRANCH,
    E.OBJECT_STORAGE_UNAVAILABLE,
    C.NOT_FOUND,
  ],
});

export const get = defineOperation('identity', 'scans.get', {
  summary: "A scan's status; once done, its measurements and a short-lived link to the 3D avatar",
  http: { method: 'GET', path: '/v1/scans/{scanId}', status: 200 },
  access: humans,
  params: ScanIdParams,
  output: Scan,
  errors: [E.SCAN_NOT_FOUND],
});

export const list = defineOperation('identity', 'scans.list', {
  summary: "The signed-in member's scans, newest first",
  http: { method: 'GET', path: '/v1/scans', status: 200 },
  access: humans,
  query: Type.Object(Pagination, { additionalProperties: false }),
  output: page(Scan),
});

export const retry = defineOperation('identity', 'scans.retry', {
  summary: 'Queue a failed scan again (timed out, or refused by the scanning service)',
  http: { method: 'POST', path: '/v1/scans/{scanId}/retry', status: 202 },
  access: humans,
  params: ScanIdParams,
  output: ScanAccepted,
  errors: [E.SCAN_NOT_FOUND, E.SCAN_NOT_RETRYABLE],
});

export const webhook = defineOperation('identity', 'scans.webhook', {
  summary:
    "The scanning service's signed callback (Standard Webhooks: HMAC-SHA256 over id, timestamp and body); not for people",
  http: {
    method: 'POST',
    path: '/v1/scans/webhooks/{provider}',
    status: 200,
    webhook: true,
    bodyLimit: 64 * 1024,
  },
  access: 'public',
  params: Type.Object(
    { provider: Type.String({ pattern: '^[a-z0-9-]{1,40}$' }) },
    { additionalProperties: false },
  ),
  body: Type.Object(
    {
      webhookId: Type.String({ maxLength: 200 }),
      timestamp: Type.String({ maxLength: 20 }),
      signature: Type.String({ maxLength: 2000 }),
      /** The body exactly as received: the signature covers its bytes. */
      payload: Type.String({ maxLength: 64 * 1024 }),
    },
    { additionalProperties: false },
  ),
  output: Type.Object({ received: Type.Boolean() }),
  errors: [
    E.WEBHOOK_PROVIDER_UNKNOWN,
    E.WEBHOOK_SIGNATURE_INVALID,
    E.WEBHOOK_TIMESTAMP_STALE,
    E.WEBHOOK_REPLAYED,
    E.WEBHOOK_PAYLOAD_INVALID,
  ],
});

export const all = [upload, get, list, retry, webhook] as const;
