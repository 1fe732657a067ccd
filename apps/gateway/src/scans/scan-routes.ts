import { createHash, randomUUID } from 'node:crypto';
import multipart from '@fastify/multipart';
import type { NatsConnection } from '@nats-io/transport-node';
import { CommonErrorCodes, ScanErrors, scans } from '@nxg/contracts';
import {
  AppError,
  assertRolesAllow,
  cacheUploadJournal,
  ObjectStoreUnavailableError,
  ObjectTooLargeError,
  type Cache,
  type ObjectStore,
  type TokenVerifier,
} from '@nxg/platform';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config.ts';
import { documentProblems } from '../docs/problem-responses.ts';
import { ANSWER_TTL_S, IDEMPOTENCY_HEADER, idempotencyHooks } from '../routes/idempotency.ts';
import { callForRequest } from '../routes/request-context.ts';

/** Scan operations, for the gateway's list (OpenAPI, tests); their routes are registered here. */
export const scanOperations = scans.all;

export interface ScanRouteOptions {
  nc: NatsConnection;
  verifier: TokenVerifier;
  cache: Cache;
  config: GatewayConfig;
  logger: Logger;
  store: ObjectStore;
}

/** Where an upload's bytes go before identity has read them. */
const uploadKey = (scanId: string) => `scans/uploads/${scanId}`;

/**
 * The scan's id, from the member and their Idempotency-Key when there is one: a retried upload
 * writes the same object and names the same scan, so a retry after a dropped connection resumes
 * the one upload instead of starting a second scan.
 */
function scanIdFor(userId: string, idempotencyKey: string | undefined): string {
  if (idempotencyKey === undefined) return randomUUID();
  const hex = createHash('sha256').update(`${userId}\n${scans.upload.name}\n${idempotencyKey}`).digest('hex');
  // A UUID (version 8, RFC 9562: custom) made of the hash.
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return typeof value === 'string' ? value : '';
};

/**
 * `POST /v1/scans` (multipart: the file streamed to object storage, never held whole, then one
 * NATS request to identity with its key) and the scanning service's signed webhook (its raw body
 * and `webhook-*` headers passed on to identity unparsed, so the signature checks over the exact
 * bytes). Both are declared in contracts (`http.fileUpload`, `http.webhook`); the generic operation
 * routes leave them to this file.
 */
export async function registerScanRoutes(app: FastifyInstance, options: ScanRouteOptions): Promise<void> {
  const { nc, verifier, config } = options;
  const timeoutMs = config.NATS_REQUEST_TIMEOUT_MS;
  // The gateway's one object store (its signed local links are served by the service's objects feature).
  const objects = options.store;
  const op = scans.upload;
  const http = op.http!;
  const spec = http.fileUpload!;
  const idempotency = idempotencyHooks(op, {
    cache: options.cache,
    inFlightTtlS: Math.ceil(timeoutMs / 1000) + 30,
  });
  const fieldNames = new Set(Object.keys(spec.fields.properties));

  /** The key stops being claimed: a retry with it may run (the upload never completed). */
  const releaseClaim = async (request: FastifyRequest) => {
    const claim = request.idempotencyClaim;
    request.idempotencyClaim = undefined;
    if (claim) await options.cache.del(claim.key).catch(() => undefined);
  };

  await app.register(async (uploads) => {
    await uploads.register(multipart, {
      limits: { files: 1, fields: 4, fieldSize: 200, parts: 5, fileSize: spec.maxBytes + 1 },
    });
    uploads.route({
      method: 'POST',
      url: http.path,
      schema: {
        operationId: op.name,
        summary: op.summary,
        tags: [op.service],
        security: [{ bearerAuth: [] }],
      },
      config: {
        swaggerTransform: (route) => {
          const documented = documentProblems(op)(route) as { url: string; schema: Record<string, unknown> };
          return {
            url: documented.url,
            schema: {
              ...documented.schema,
              consumes: ['multipart/form-data'],
              body: {
                type: 'object',
                required: ['file'],
                properties: {
                  file: {
                    type: 'string',
                    format: 'binary',
                    description: `${spec.contentTypes.join(', ')}; at most ${spec.maxBytes} bytes`,
                  },
                  ...spec.fields.properties,
                },
              },
              response: { [http.status]: op.output, ...(documented.schema.response as object) },
            },
          };
        },
      },
      onRequest: async (request) => {
        const caller = await verifier.authenticate(request.headers.authorization);
        assertRolesAllow(op, caller.roles);
        request.caller = caller;
      },
      preHandler: idempotency.preHandler,
      onSend: idempotency.onSend,
      handler: async (request, reply) => {
        if (!request.isMultipart())
          throw new AppError(
            415,
            CommonErrorCodes.UNSUPPORTED_MEDIA_TYPE,
            'Send the scan as multipart/form-data',
          );
        const key = request.headers[IDEMPOTENCY_HEADER];
        const scanId = scanIdFor(request.caller!.userId, typeof key === 'string' ? key : undefined);
        const fields: Record<string, string> = {};
        let file: { key: string; size: number; contentType: string; name: string } | undefined;
        try {
          for await (const part of request.parts()) {
            if (part.type === 'field') {
              if (!fieldNames.has(part.fieldname) || typeof part.value !== 'string')
                throw new AppError(400, ScanErrors.SCAN_FORM_INVALID, `Unknown form field ${part.fieldname}`);
              fields[part.fieldname] = part.value;
              continue;
            }
            if (part.fieldname !== 'file' || file) {
              part.file.resume();
              throw new AppError(400, ScanErrors.SCAN_FORM_INVALID, 'Send one file, in the `file` field');
            }
            const contentType = part.mimetype.split(';')[0]!.trim().toLowerCase();
            if (!spec.contentTypes.includes(contentType)) {
              part.file.resume();
              throw new AppError(
                415,
                ScanErrors.SCAN_FILE_TYPE_UNSUPPORTED,
                `${contentType} is not accepted; send one of ${spec.contentTypes.join(', ')}`,
              );
            }
            const stored = await objects.put(uploadKey(scanId), part.file, {
              contentType,
              maxBytes: spec.maxBytes,
              // Under an Idempotency-Key, a retry resumes a large upload: the parts already in
              // storage are not sent again (kept as long as the key's answer would be).
              ...(typeof key === 'string'
                ? { resumable: cacheUploadJournal(options.cache, uploadKey(scanId), ANSWER_TTL_S) }
                : {}),
            });
            file = {
              key: stored.key,
              size: stored.size,
              contentType,
              name: (part.filename || 'scan').slice(0, 255),
            };
          }
        } catch (error) {
          // Whatever of the body is still coming is read and dropped, so the client gets our answer
          // instead of waiting on a full socket.
          request.raw.unpipe();
          request.raw.resume();
          // A file stored before the form turned out wrong (a second file) goes too.
          if (file) await objects.delete(file.key).catch(() => undefined);
          if (error instanceof AppError) throw error;
          const code = (error as { code?: string }).code ?? '';
          // @fastify/multipart's refusals of the form itself (too many parts, `__proto__` names…).
          if (
            ['FST_PARTS_LIMIT', 'FST_FILES_LIMIT', 'FST_FIELDS_LIMIT', 'FST_PROTO_VIOLATION'].includes(code)
          )
            throw new AppError(
              400,
              ScanErrors.SCAN_FORM_INVALID,
              'Send one `file` and at most the declared fields',
            );
          if (error instanceof ObjectTooLargeError || code === 'FST_REQ_FILE_TOO_LARGE')
            throw new AppError(
              413,
              ScanErrors.SCAN_FILE_TOO_LARGE,
              `The file is larger than ${spec.maxBytes} bytes`,
            );
          if (error instanceof ObjectStoreUnavailableError)
            throw new AppError(
              503,
              ScanErrors.OBJECT_STORAGE_UNAVAILABLE,
              'Object storage is not answering; retry later',
            );
          // The body ended early (the client went away) or broke off: nothing was kept.
          await releaseClaim(request);
          request.log.info({ err: error }, 'scan upload incomplete');
          throw new AppError(
            400,
            ScanErrors.SCAN_UPLOAD_INCOMPLETE,
            'The upload ended before the file was whole; retry with the same Idempotency-Key',
          );
        }
        if (!file) throw new AppError(400, ScanErrors.SCAN_FILE_MISSING, 'The form has no `file` part');
        if (
          fields.userId !== undefined &&
          !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(fields.userId)
        ) {
          await objects.delete(file.key).catch(() => undefined);
          throw new AppError(400, ScanErrors.SCAN_FORM_INVALID, '`userId` must be a UUID');
        }
        const data = await callForRequest(nc, op, { scanId, ...fields, file }, request, timeoutMs);
        return reply.status(http.status).send(data);
      },
    });
  });

  const hook = scans.webhook;
  const hookHttp = hook.http!;
  await app.register(async (webhooks) => {
    // The signature covers the exact bytes: keep the body as text.
    webhooks.removeAllContentTypeParsers();
    webhooks.addContentTypeParser(
      '*',
      { parseAs: 'string', bodyLimit: hookHttp.bodyLimit },
      (_req, body, done) => done(null, body),
    );
    webhooks.route({
      method: 'POST',
      url: hookHttp.path.replace('{provider}', ':provider'),
      schema: {
        operationId: hook.name,
        summary: hook.summary,
        tags: [hook.service],
        params: hook.params,
        security: [],
      },
      config: {
        swaggerTransform: (route) => {
          const documented = documentProblems(hook)(route) as {
            url: string;
            schema: Record<string, unknown>;
          };
          const signed = (description: string) => ({ type: 'string', description });
          return {
            url: documented.url,
            schema: {
              ...documented.schema,
              headers: {
                type: 'object',
                required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
                properties: {
                  'webhook-id': signed('Unique per message; a second message with the same id is refused'),
                  'webhook-timestamp': signed('Unix seconds; refused when more than five minutes from now'),
                  'webhook-signature': signed('`v1,<base64 HMAC-SHA256 of id.timestamp.body>`'),
                },
              },
              body: {
                type: 'object',
                description:
                  '`{ type: scan.completed | scan.failed, data: { jobId, reference, measurements?, error? } }`',
              },
              response: { [hookHttp.status]: hook.output, ...(documented.schema.response as object) },
            },
          };
        },
      },
      handler: async (request, reply) => {
        const { provider } = request.params as { provider: string };
        const data = await callForRequest(
          nc,
          hook,
          {
            provider,
            webhookId: header(request, 'webhook-id').slice(0, 200),
            timestamp: header(request, 'webhook-timestamp').slice(0, 20),
            signature: header(request, 'webhook-signature').slice(0, 2000),
            payload: typeof request.body === 'string' ? request.body : '',
          },
          request,
          timeoutMs,
        );
        return reply.status(hookHttp.status).send(data);
      },
    });
  });
}
