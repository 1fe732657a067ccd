import { codesOf, type ErrorCatalog } from '../errors.ts';

/** Codes of 3D body scans (served by identity and the gateway's upload and webhook routes). */
export const scanErrorCatalog = {
  SCAN_FILE_MISSING: { status: 400, description: 'The form has no `file` part' },
  SCAN_FILE_TYPE_UNSUPPORTED: {
    status: 415,
    description:
      'The file is neither an InBody export (text/csv, application/json) nor a scan file (model/obj, model/ply, model/stl, application/octet-stream)',
  },
  SCAN_FILE_TOO_LARGE: {
    status: 413,
    description: 'The file is larger than this route accepts; nothing was kept',
  },
  SCAN_UPLOAD_INCOMPLETE: {
    status: 400,
    description:
      'The upload ended before the file was whole; nothing was kept. Retry with the same Idempotency-Key',
  },
  SCAN_FORM_INVALID: {
    status: 400,
    description: 'A form field is unknown or not valid (`userId` must be a UUID)',
  },
  INBODY_FILE_MALFORMED: {
    status: 422,
    description:
      'The InBody export cannot be read: broken CSV or JSON, an unknown column, a missing value or an unknown unit; `errors` says which',
  },
  INBODY_VALUE_IMPLAUSIBLE: {
    status: 422,
    description: 'A value of the InBody export is outside what a human body can measure; `errors` says which',
  },
  SCAN_MEMBER_NOT_IN_BRANCH: {
    status: 403,
    description: 'Staff may upload scans only for members who train at a branch where they are staff',
  },
  SCAN_NOT_FOUND: { status: 404, description: 'No such scan (or not yours)' },
  SCAN_NOT_RETRYABLE: { status: 409, description: 'Only a failed scan can be retried' },
  OBJECT_STORAGE_UNAVAILABLE: {
    status: 503,
    description:
      'Object storage is not answering; nothing was kept. Retry later with the same Idempotency-Key',
  },
  WEBHOOK_PROVIDER_UNKNOWN: { status: 404, description: 'No scanning provider of this name is configured' },
  WEBHOOK_SIGNATURE_INVALID: {
    status: 401,
    description: 'The webhook signature (webhook-id, webhook-timestamp, webhook-signature) does not verify',
  },
  WEBHOOK_TIMESTAMP_STALE: {
    status: 401,
    description: 'The webhook timestamp is more than five minutes from now',
  },
  WEBHOOK_REPLAYED: {
    status: 409,
    description: 'A webhook with this webhook-id was already received; it changes nothing',
  },
  WEBHOOK_PAYLOAD_INVALID: { status: 400, description: 'The webhook body is not a scan event we know' },
} as const satisfies ErrorCatalog;
export const ScanErrors = codesOf(scanErrorCatalog);
