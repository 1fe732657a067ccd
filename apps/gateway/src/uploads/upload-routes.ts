import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import multipart from '@fastify/multipart';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  CommonErrorCodes,
  UploadErrors,
  type Operation,
  type RequestContext,
  type StoredImage,
  type UploadSpec,
} from '@nxg/contracts';
import {
  AppError,
  assertRolesAllow,
  ObjectStoreUnavailableError,
  ObjectTooLargeError,
  callOperation,
  describeErrors,
  validationError,
  validatorFor,
  type Cache,
  type ObjectStore,
  type TokenVerifier,
} from '@nxg/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import pLimit, { type LimitFunction } from 'p-limit';
import type { Logger } from 'pino';
import { documentProblems } from '../docs/problem-responses.ts';
import { idempotencyHooks } from '../routes/idempotency.ts';
import { inRouteSpan, requestContext } from '../routes/request-context.ts';
import { refusalOf, sanitizeImage, type ImageLimits, type SanitizedImage } from './image-sanitizer.ts';
import { multipartDocs } from './upload-docs.ts';

export interface UploadRouteOptions {
  nc: NatsConnection;
  verifier: TokenVerifier;
  operations: readonly Operation[];
  store: ObjectStore;
  /** Where `Idempotency-Key` answers of critical uploads are kept. */
  cache: Cache;
  /** Pixel and size bounds of stored images (the byte limit is each operation's own). */
  image: Omit<ImageLimits, 'maxBytes'>;
  /**
   * Images cleaned at once by this replica; further uploads wait unread (their clients held back by
   * TCP), so memory stays bounded however many upload together.
   */
  imageConcurrency: number;
  timeoutMs: number;
  /** How long to keep asking a service that does not answer (it may be restarting) before giving up. */
  retryForMs: number;
  logger: Logger;
}

const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/** What the form held: its one image, cleaned, and its text fields. */
interface ReadForm {
  image: SanitizedImage;
  fields: Record<string, string>;
}

/** Multipart failures of @fastify/multipart and busboy, as the member's problem. */
function formRefusal(error: unknown, limits: ImageLimits): Error {
  const code = (error as { code?: string }).code;
  if (code === 'FST_FILES_LIMIT')
    return new AppError(400, UploadErrors.UPLOAD_TOO_MANY_FILES, 'Send exactly one file');
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    return new AppError(415, UploadErrors.UPLOAD_NOT_MULTIPART, 'Send the image as multipart/form-data');
  if (code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    return new AppError(
      400,
      UploadErrors.UPLOAD_UNKNOWN_FIELD,
      'The form has more fields than this upload takes',
    );
  if (/Unexpected end of (form|multipart)|Malformed|boundary/i.test((error as Error).message ?? ''))
    return new AppError(400, UploadErrors.UPLOAD_MALFORMED, 'The multipart body is malformed or incomplete');
  return refusalOf(error, limits);
}

/** Past this, a client that keeps sending after its refusal is cut off. */
const DISCARD_LIMIT_BYTES = 4 * 1024 * 1024;

/**
 * After a refusal, what the client is still sending is read and thrown away, so it sees the answer
 * and the connection ends cleanly (a paused socket would never notice the client hang up); a
 * client that sends on regardless is disconnected after a few megabytes.
 */
function discardRest(request: FastifyRequest) {
  const raw = request.raw;
  if (raw.readableEnded) return;
  let discarded = 0;
  raw.unpipe();
  raw.removeAllListeners('data');
  raw.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > DISCARD_LIMIT_BYTES) raw.socket.destroy();
  });
  raw.resume();
}

/**
 * Reads the form part by part: the one file is cleaned as it streams in (never buffered whole
 * before it is checked), text fields are kept, anything else is refused. Nothing is stored here.
 */
async function readForm(
  request: FastifyRequest,
  spec: UploadSpec,
  limits: ImageLimits,
  cleaning: LimitFunction,
): Promise<ReadForm> {
  if (!request.isMultipart())
    throw new AppError(415, UploadErrors.UPLOAD_NOT_MULTIPART, 'Send the image as multipart/form-data');
  let image: SanitizedImage | undefined;
  const fields: Record<string, string> = {};
  const allowed = new Set(Object.keys(spec.fields.properties));
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (image || part.fieldname !== spec.fileField) {
          part.file.resume();
          throw image
            ? new AppError(400, UploadErrors.UPLOAD_TOO_MANY_FILES, 'Send exactly one file')
            : new AppError(
                400,
                UploadErrors.UPLOAD_UNKNOWN_FIELD,
                `The file belongs in the field "${spec.fileField}"`,
              );
        }
        image = await cleaning(() => sanitizeImage(part.file, limits)).catch((error: unknown) => {
          // Cut off at the limit, the rest of the file looks like a damaged image: it was too large.
          throw part.file.truncated
            ? refusalOf(new ObjectTooLargeError('upload', limits.maxBytes), limits)
            : error;
        });
      } else if (part.fieldname === spec.fileField) {
        throw new AppError(
          400,
          UploadErrors.UPLOAD_FILE_MISSING,
          `"${spec.fileField}" must be a file, not a text field`,
        );
      } else if (allowed.has(part.fieldname)) {
        fields[part.fieldname] = String(part.value);
      } else {
        throw new AppError(
          400,
          UploadErrors.UPLOAD_UNKNOWN_FIELD,
          `This upload takes no field "${part.fieldname}"`,
        );
      }
    }
  } catch (error) {
    discardRest(request);
    throw formRefusal(error, limits);
  }
  if (!image)
    throw new AppError(
      400,
      UploadErrors.UPLOAD_FILE_MISSING,
      `Send the image in the file field "${spec.fileField}"`,
    );
  return { image, fields };
}

const transportFailure = (error: unknown) =>
  error instanceof AppError &&
  (error.code === CommonErrorCodes.SERVICE_UNAVAILABLE || error.code === CommonErrorCodes.UPSTREAM_TIMEOUT);

/**
 * The upload routes of operations declared with `http.upload` (a meal photo today): multipart in,
 * the image checked by content and cleaned (sanitizeImage), stored under a new id, then the
 * owning service is asked over NATS with the object's key — the bytes never travel on NATS. A
 * refused upload stores nothing; when the service refuses or cannot be reached, the object is
 * deleted again. Requests to a service that does not answer are repeated with the same id (the
 * service treats the id as an idempotency key), so a service restarting mid-upload loses nothing.
 */
export async function registerUploadRoutes(app: FastifyInstance, options: UploadRouteOptions): Promise<void> {
  const { nc, verifier, store, logger } = options;
  const cleaning = pLimit(options.imageConcurrency);
  for (const op of options.operations) {
    const http = op.http;
    const spec = http?.upload;
    if (!http || !spec) continue;
    const limits: ImageLimits = { ...options.image, maxBytes: spec.maxBytes };
    const checkFields = validatorFor(spec.fields);
    // A retried upload with the same Idempotency-Key gets the first answer, stored once. The key is
    // checked before the form is read, so its fingerprint covers the route, not the image.
    const idempotency = op.critical
      ? idempotencyHooks(op, {
          cache: options.cache,
          inFlightTtlS: Math.ceil((options.retryForMs + 2 * options.timeoutMs) / 1000) + 30,
        })
      : undefined;

    const ask = async (body: Record<string, unknown>, ctx: RequestContext) => {
      const deadline = Date.now() + options.retryForMs;
      for (let attempt = 1; ; attempt++) {
        try {
          return await callOperation(nc, op, body, ctx, { timeoutMs: options.timeoutMs });
        } catch (error) {
          if (!transportFailure(error) || Date.now() >= deadline) throw error;
          await new Promise((resolve) => setTimeout(resolve, Math.min(2_000, 100 * 2 ** attempt)));
        }
      }
    };

    await app.register(async (scope) => {
      await scope.register(multipart, {
        throwFileSizeLimit: true,
        // One byte over our own limit: sizeLimit (sanitizeImage) fails the stream before busboy cuts it off.
        limits: {
          fileSize: spec.maxBytes + 1,
          files: 1,
          fields: 10,
          parts: 12,
          fieldSize: 1_000,
          headerPairs: 50,
        },
      });
      scope.route({
        method: http.method,
        url: fastifyPath(http.path),
        schema: {
          operationId: op.name,
          summary: op.summary,
          tags: [op.service],
          consumes: ['multipart/form-data'],
          ...(op.params ? { params: op.params } : {}),
          body: multipartDocs(spec),
          ...(op.output ? { response: { [http.status]: op.output } } : {}),
          security: [{ bearerAuth: [] }],
        },
        // The body schema is for the docs: the form is read part by part in the handler.
        validatorCompiler: ({ httpPart }) => (httpPart === 'body' ? () => true : (value) => ({ value })),
        config: { swaggerTransform: documentProblems(op) },
        onRequest: async (request) => {
          const caller = await verifier.authenticate(request.headers.authorization);
          assertRolesAllow(op, caller.roles);
          request.caller = caller;
        },
        ...(idempotency ? { preHandler: idempotency.preHandler, onSend: idempotency.onSend } : {}),
        handler: async (request, reply) => {
          const caller = request.caller!;
          const { image, fields } = await readForm(request, spec, limits, cleaning);
          if (!checkFields.Check(fields))
            throw validationError(describeErrors(checkFields.Errors(fields)), 'form');
          const id = randomUUID();
          const key = `${spec.keyPrefix}/${caller.userId}/${id}.jpg`;
          await store
            .put(key, Readable.from([image.body]), {
              contentType: image.contentType,
              maxBytes: image.body.length,
            })
            .catch((error: unknown) => {
              // The store kept failing after its own retries: the member may try again shortly.
              if (!(error instanceof ObjectStoreUnavailableError)) throw error;
              logger.error({ err: error }, 'object storage unavailable: upload refused');
              throw new AppError(
                503,
                CommonErrorCodes.SERVICE_UNAVAILABLE,
                'Photo storage is not available; try again',
                {
                  headers: { 'retry-after': '5' },
                  cause: error,
                },
              );
            });
          const stored: StoredImage = {
            key,
            contentType: image.contentType,
            bytes: image.body.length,
            width: image.width,
            height: image.height,
            hash: image.hash,
          };
          const ctx = requestContext(request);
          try {
            const data = await inRouteSpan(op, request, ctx, () =>
              ask({ ...fields, [spec.idProperty]: id, [spec.imageProperty]: stored }, ctx),
            );
            return reply.status(http.status).send(data);
          } catch (error) {
            // Refused, or never taken: the object must not outlive the request.
            await store
              .delete(key)
              .catch((cause: unknown) =>
                logger.error({ err: cause, key }, 'could not delete the object of a failed upload'),
              );
            throw error;
          }
        },
      });
    });
  }
}
