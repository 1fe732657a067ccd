import Type, { type Static } from 'typebox';

/**
 * Variables of services that keep objects (photos, scans, avatars): spread into a service's config
 * schema beside BaseConfig. With S3_BUCKET the objects go to S3 (or the S3-compatible store at
 * S3_ENDPOINT); without it, to $DATA_DIR/objects.
 */
export const StorageConfig = {
  S3_BUCKET: Type.Optional(
    Type.String({ minLength: 3, maxLength: 63, pattern: '^[a-z0-9][a-z0-9.-]+[a-z0-9]$' }),
  ),
  /** An S3-compatible store (MinIO, R2…): path-style addressing, checksums only where required. */
  S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** Default: AWS_REGION, else us-east-1. */
  S3_REGION: Type.Optional(Type.String({ minLength: 1 })),
  /** The AWS SDK's own region variable, honoured when S3_REGION is unset. */
  AWS_REGION: Type.Optional(Type.String({ minLength: 1 })),
  /** Attempts per S3 request, the first included (backoff with jitter between them). */
  S3_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  /** An S3 request that makes no progress for this long is abandoned (and retried). */
  S3_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  /** Life of a signed URL to read an object back. */
  STORAGE_URL_TTL_S: Type.Integer({ minimum: 10, maximum: 86_400, default: 300 }),
  /** Local store only: the gateway's public base URL, which signed URLs point at. */
  STORAGE_PUBLIC_URL: Type.String({ pattern: '^https?://', default: 'http://localhost:8080' }),
  /**
   * Local store only: HMAC secret of signed URLs, shared by the services that sign and the gateway
   * that checks (≥ 32 characters). Required in production; in development one is generated under
   * $DATA_DIR/objects.
   */
  STORAGE_URL_SECRET: Type.Optional(Type.String({ minLength: 32, secret: true })),
};
export type StorageConfig = Static<ReturnType<typeof Type.Object<typeof StorageConfig>>>;
