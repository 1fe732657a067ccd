// What services, tools, @nxg/testing and @nxg/external use; everything else stays internal
// (platform's own tests import it by relative path). Add a name here when a user needs it.
export { BaseConfig, ConfigError, loadConfig } from './config.ts';
export { AppError, forbidden, toProblem, validationError } from './errors.ts';
export { describeErrors, validatorFor } from './validation.ts';
export { securityHeaders } from './http/security-headers.ts';
export { createCache, type Cache } from './cache.ts';
export { EXIT_CONFIG, runService } from './runtime.ts';
export { openDatabase, type Database, type Queryable } from './db/database.ts';
export { migrate } from './db/migrate.ts';
export { createWriteBatcher } from './db/write-batcher.ts';
export { uuidv7 } from './db/row-ids.ts';
export { activeTrace, currentTraceparent, inSpan, SpanKind, type TraceContext } from './bus/trace.ts';
export { bind, callOperation, type Binding } from './bus/rpc.ts';
export { signReply, signRequest, SIGNATURE_WINDOW_MS } from './bus/request-signature.ts';
export { actingAs, BusIdentity, deriveServiceKey } from './bus/bus-identity.ts';
export { messageSender, publishSigned, signedEventHeaders, signEvent } from './bus/event-signature.ts';
export { parseServiceKey, serviceKeyFrom } from './bus/service-key.ts';
export { connectBus } from './bus/connection.ts';
export { replyInboxOf } from './bus/reply-inbox.ts';
export { sendThisTurn } from './bus/turn-writes.ts';
export { assertRolesAllow, rolesAllow } from './access.ts';
export { limitsFromEnv, provisionMessaging } from './bus/streams.ts';
export { retentionCaveat } from './bus/server-version.ts';
export {
  enqueueEvent,
  enqueueEvents,
  eventEnvelope,
  startOutboxRelay,
  type OutboxRelay,
} from './bus/outbox.ts';
export { platformMigrations } from './paths.ts';
export { inNamespace, namespace, namespaceOf, type Namespace } from './bus/namespace.ts';
export { natsConnectionSecurity, serviceInboxPrefix, type NatsSecurity } from './bus/nats-security.ts';
export {
  createServiceMetrics,
  reportExternalCalls,
  type ExternalCallCounts,
  type ServiceMetrics,
} from './metrics/service-metrics.ts';
export {
  consume,
  consumeBatch,
  defineFeature,
  type ConsumerBinding,
  defineService,
  type Feature,
  type Job,
  type Kit,
  type ServiceDefinition,
} from './kit/define-service.ts';
export { buildService, loadServiceConfig } from './kit/build-service.ts';
export { decodeCursor, toPage } from './cursor.ts';
export { canonicalTimeZone } from './time-zone.ts';
export { erasureDigest } from './erasure-digest.ts';
export { tokenAudience, type TokenKind } from './auth/audience.ts';
export type { RevocationWatch } from './auth/revocation-watch.ts';
export { RevocationWriter } from './auth/revocation-writer.ts';
export { signedRevocation } from './auth/revocation-signature.ts';
export type { Caller, TokenVerifier } from './auth/token-verifier.ts';
export { requireUser } from './context.ts';
export {
  createLocalObjectStore,
  createS3ObjectStore,
  localUrlSecret,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  ObjectTooLargeError,
  openObjectStore,
  openSignedObject,
  signedObjectPath,
  StorageConfig,
  verifySignedObjectUrl,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
  type SignedObjectRead,
  type SignedUrlCheck,
  cacheUploadJournal,
  type StoredPart,
  type UploadJournal,
  type UploadProgress,
} from './storage/index.ts';
export { createLogger, loggerOptions, type Logger } from './logger.ts';
export { healthKey, isSecretKey, isSensitiveKey, REDACTED, scrub, scrubString } from './log-redaction.ts';
export { requireRecentMfa, STEP_UP_MAX_AGE_MS } from './auth/step-up.ts';
export { DataKeyring, dataKeyId } from './crypto/keyring.ts';
export { SealedValues } from './crypto/sealed-values.ts';
export { loadDataKeyring } from './crypto/data-key-file.ts';
