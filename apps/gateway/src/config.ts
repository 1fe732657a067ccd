import Type, { type Static } from 'typebox';
import { BaseConfig, StorageConfig } from '@nxg/platform';

export const GatewayConfigSchema = {
  ...BaseConfig,
  GATEWAY_PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 8080 }),
  /** Requests per client (account, or IP when anonymous) per minute. */
  RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 600 }),
  /** Login, register and refresh per IP per minute. */
  AUTH_RATE_LIMIT_MAX: Type.Integer({ minimum: 1, default: 30 }),
  /** Live feed sockets one member may hold open on one gateway replica. */
  LIVE_SOCKETS_PER_MEMBER: Type.Integer({ minimum: 1, default: 5 }),
  /** Comma-separated origins allowed to call from browsers; empty allows none. */
  CORS_ORIGINS: Type.String({ default: '' }),
  /** Largest JSON body accepted unless an operation says otherwise. */
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, default: 64 * 1024 }),
  /** How long to wait for a service's reply before answering 504. */
  NATS_REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000 }),
  /**
   * The load balancers whose X-Forwarded-For is believed: comma-separated addresses or CIDRs
   * (behind an ALB: the VPC's CIDR). Empty trusts none; `true` is refused (trusted-proxies.ts).
   */
  TRUST_PROXY: Type.String({ default: '' }),
  /** The staff dashboard's build (apps/staff-web/dist by default), served under /staff. */
  STAFF_WEB_DIR: Type.String({ default: '' }),
  JWT_ISSUER: Type.String({ default: 'nxg-identity' }),
  JWT_AUDIENCE: Type.String({ default: 'nxg' }),
  /** Where uploaded images go (S3 when S3_BUCKET is set, else $DATA_DIR/objects), and signed local URLs. */
  ...StorageConfig,
  /** Longest side of a stored uploaded image, in pixels: larger ones are scaled down. */
  UPLOAD_IMAGE_MAX_SIDE: Type.Integer({ minimum: 64, maximum: 8192, default: 2048 }),
  /** Largest width × height an uploaded image may declare (decompression bombs are refused unread). */
  UPLOAD_IMAGE_MAX_PIXELS: Type.Integer({ minimum: 1_000_000, default: 50_000_000 }),
  /** Uploaded images cleaned at once per replica (sharp); more wait their turn, unread. */
  UPLOAD_IMAGE_CONCURRENCY: Type.Integer({ minimum: 1, default: 2 }),
  /** How long an upload keeps asking a service that does not answer (restarting) before it gives up. */
  UPLOAD_RETRY_FOR_MS: Type.Integer({ minimum: 0, default: 15_000 }),
};

export type GatewayConfig = Static<ReturnType<typeof Type.Object<typeof GatewayConfigSchema>>>;
