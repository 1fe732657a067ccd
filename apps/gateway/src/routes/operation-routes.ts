import type { NatsConnection } from '@nats-io/transport-node';
import type { Operation } from '@nxg/contracts';
import {
  assertRolesAllow,
  type Cache,
  type Caller,
  type RevocationWatch,
  type TokenVerifier,
} from '@nxg/platform';
import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { documentProblems } from '../docs/problem-responses.ts';
import { idempotencyHooks } from './idempotency.ts';
import { callForRequest } from './request-context.ts';

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

export interface OperationRouteOptions {
  nc: NatsConnection;
  verifier: TokenVerifier;
  revocations: RevocationWatch;
  operations: readonly Operation[];
  timeoutMs: number;
  bodyLimit: number;
  /** The limiter of login, register and refresh (`fastify.rateLimit`), shared by the three. */
  authRateLimit: preHandlerAsyncHookHandler;
  /** Where critical operations keep their Idempotency-Key answers (Redis, or this process). */
  cache: Cache;
}

/** `/v1/branches/{branchId}` (OpenAPI, contracts) → `/v1/branches/:branchId` (Fastify). */
const fastifyPath = (path: string) => path.replace(/\{(\w+)\}/g, ':$1');

/**
 * One Fastify route per contract operation: validation from its schemas, authentication and
 * role check, its rate limit, `Idempotency-Key` on critical writes, then one NATS request to the
 * owning service.
 */
export function registerOperationRoutes(app: FastifyInstance, options: OperationRouteOptions): void {
  const { nc, verifier, revocations } = options;
  for (const op of options.operations) {
    const http = op.http;
    if (!http) continue; // internal: NATS only
    if (http.upload || http.fileUpload || http.webhook) continue; // their own routes (uploads/, scans/)
    const isPublic = op.access === 'public';
    // A claimed key outlives the longest wait for the service, plus a margin for a crashed replica.
    const idempotency =
      op.critical && http.method !== 'GET'
        ? idempotencyHooks(op, {
            cache: options.cache,
            inFlightTtlS: Math.ceil(options.timeoutMs / 1000) + 30,
          })
        : undefined;
    const preHandler = [
      ...(http.rateLimit === 'auth' ? [options.authRateLimit] : []),
      ...(idempotency ? [idempotency.preHandler] : []),
    ];
    app.route({
      method: http.method,
      url: fastifyPath(http.path),
      bodyLimit: http.bodyLimit ?? options.bodyLimit,
      schema: {
        operationId: op.name,
        summary: op.summary,
        tags: [op.service],
        ...(op.params ? { params: op.params } : {}),
        ...(op.query ? { querystring: op.query } : {}),
        ...(op.body ? { body: op.body } : {}),
        ...(op.output ? { response: { [http.status]: op.output } } : {}),
        ...(isPublic ? {} : { security: [{ bearerAuth: [] }] }),
      },
      config: {
        // Auth routes skip the per-client limit for their own, stricter per-address one.
        ...(http.rateLimit === 'auth' ? { rateLimit: false } : {}),
        swaggerTransform: documentProblems(op),
      },
      ...(preHandler.length ? { preHandler } : {}),
      ...(idempotency ? { onSend: idempotency.onSend } : {}),
      // A DELETE whose body is all optional (`DELETE /v1/me/mfa {code?}`) may come with none at all.
      ...(http.method === 'DELETE' && op.body && !op.body.required?.length
        ? {
            preValidation: async (request: { body: unknown }) => {
              request.body ??= {};
            },
          }
        : {}),
      onRequest: isPublic
        ? undefined
        : async (request) => {
            const caller = await verifier.authenticate(request.headers.authorization);
            assertRolesAllow(op, caller.roles);
            request.caller = caller;
          },
      handler: async (request, reply) => {
        const caller = request.caller;
        const input = {
          ...(request.params as object),
          ...(request.query as object),
          ...(request.body as object),
        };
        const data = await callForRequest(nc, op, input, request, options.timeoutMs);
        if (op.name === 'identity.logout' && caller) {
          // Effective on this replica at once; the others learn it from the revocation watch.
          revocations.add(`jti.${caller.token.id}`);
          revocations.add(`sid.${caller.token.sessionId}`);
        }
        if (op.output === null) return reply.status(http.status).send();
        return reply.status(http.status).send(data);
      },
    });
  }
}
