import Type from 'typebox';
import { StorageConfig } from '@nxg/platform';

/**
 * Identity's variables for 3D scans: object storage (StorageConfig) and the scanning service
 * (OAuth 2 client credentials, signed webhooks). Without SCANNING_URL, InBody exports complete
 * from their own figures (no avatar) and scan files fail with a reason.
 */
export const ScanConfig = {
  ...StorageConfig,
  /** The scanning service's API, with its version prefix (e.g. `https://…/v1`). */
  SCANNING_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SCANNING_TOKEN_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  SCANNING_CLIENT_ID: Type.Optional(Type.String({ minLength: 1 })),
  SCANNING_CLIENT_SECRET: Type.Optional(Type.String({ minLength: 1, secret: true })),
  /** The secret the service signs its webhooks with (Standard Webhooks: `whsec_<base64>`). */
  SCANNING_WEBHOOK_SECRET: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]+$', secret: true })),
  /** The provider's name in `POST /v1/scans/webhooks/{provider}`. */
  SCANNING_PROVIDER: Type.String({ pattern: '^[a-z0-9-]{1,40}$', default: 'scanner' }),
  /** The service's published limit, shared by every identity replica (Redis). */
  SCANNING_QUOTA_PER_HOUR: Type.Integer({ minimum: 1, default: 100 }),
  SCANNING_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /** How often the scan worker looks for work (submit, poll, avatar, timeouts). */
  SCAN_WORKER_INTERVAL_MS: Type.Integer({ minimum: 50, default: 2_000 }),
  /** How long to wait for the webhook before polling `GET /processing/status`; polls then back off up to SCAN_POLL_MAX_MS. */
  SCAN_POLL_AFTER_MS: Type.Integer({ minimum: 10, default: 60_000 }),
  SCAN_POLL_MAX_MS: Type.Integer({ minimum: 10, default: 600_000 }),
  /** Longest wait between two tries to reach a service that is down or rate limiting. */
  SCAN_RETRY_MAX_MS: Type.Integer({ minimum: 10, default: 300_000 }),
  /** A scan processing (or fetching its avatar) longer than this fails with a reason; it can be retried. */
  SCAN_PROCESSING_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30 * 60_000 }),
  /** A scan the service could not take for this long (down all along) fails with a reason. */
  SCAN_QUEUE_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 24 * 3600_000 }),
  /** Largest avatar file kept. */
  SCAN_AVATAR_MAX_BYTES: Type.Integer({ minimum: 1024, default: 50 * 1024 * 1024 }),
};

interface ScanSettings {
  NODE_ENV: string;
  S3_BUCKET?: string | undefined;
  STORAGE_URL_SECRET?: string | undefined;
  SCANNING_URL?: string | undefined;
  SCANNING_TOKEN_URL?: string | undefined;
  SCANNING_CLIENT_ID?: string | undefined;
  SCANNING_CLIENT_SECRET?: string | undefined;
  SCANNING_WEBHOOK_SECRET?: string | undefined;
}

/** The scanning service's variables go together. */
export function scanConfigProblems(config: ScanSettings): string[] {
  const names = [
    'SCANNING_URL',
    'SCANNING_TOKEN_URL',
    'SCANNING_CLIENT_ID',
    'SCANNING_CLIENT_SECRET',
    'SCANNING_WEBHOOK_SECRET',
  ] as const;
  const set = names.filter((name) => config[name]);
  const problems =
    set.length === 0 || set.length === names.length
      ? []
      : [`${names.join(', ')} go together (missing: ${names.filter((n) => !config[n]).join(', ')})`];
  if (config.NODE_ENV === 'production' && !config.S3_BUCKET && !config.STORAGE_URL_SECRET)
    problems.push(
      'S3_BUCKET (or, for a local store, STORAGE_URL_SECRET) is required in production: scans keep files',
    );
  return problems;
}
