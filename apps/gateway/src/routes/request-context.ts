import type { NatsConnection } from '@nats-io/transport-node';
import { propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import type { Operation, RequestContext } from '@nxg/contracts';
import { callOperation, currentTraceparent, inSpan, SpanKind } from '@nxg/platform';
import type { FastifyRequest } from 'fastify';

/** What a service is told of the request it serves: the same for every route (JSON, uploads, scans). */
export function requestContext(request: FastifyRequest): RequestContext {
  const caller = request.caller;
  return {
    requestId: String(request.id),
    roles: caller?.roles ?? [],
    branchRoles: caller?.branchRoles ?? {},
    ip: request.ip,
    ...(caller ? { userId: caller.userId, token: caller.token, mfa: caller.mfa } : {}),
    ...(request.idempotencyClaim ? { idempotencyKey: request.idempotencyClaim.requestKey } : {}),
  };
}

/**
 * Runs `call` (one or more NATS requests for `op`) in the route's span, which continues the
 * client's trace (a `traceparent` header) or starts one; `ctx` carries that trace to the service.
 */
export function inRouteSpan<T>(
  op: Operation,
  request: FastifyRequest,
  ctx: RequestContext,
  call: () => Promise<T>,
): Promise<T> {
  const http = op.http!;
  return inSpan(
    `${http.method} ${http.path}`,
    SpanKind.SERVER,
    propagation.extract(ROOT_CONTEXT, request.headers),
    () => {
      const traceparent = currentTraceparent();
      if (traceparent) ctx.traceparent = traceparent;
      return call();
    },
    { 'http.request.method': http.method, 'http.route': http.path },
  );
}

/** One NATS request for `op` on behalf of `request`, in the route's span. */
export function callForRequest<Op extends Operation>(
  nc: NatsConnection,
  op: Op,
  input: unknown,
  request: FastifyRequest,
  timeoutMs: number,
) {
  const ctx = requestContext(request);
  return inRouteSpan(op, request, ctx, () => callOperation(nc, op, input, ctx, { timeoutMs }));
}
