import { context, trace } from '@opentelemetry/api';
import type { Msg, NatsConnection, Subscription } from '@nats-io/transport-node';
import {
  CommonErrorCodes,
  operationInputSchema,
  type Operation,
  type OperationInput,
  type OperationOutput,
  type ReplyEnvelope,
  type RequestContext,
  type RequestEnvelope,
} from '@nxg/contracts';
import type { Logger } from 'pino';
import { authorizeCall } from '../access.ts';
import { AppError, internalError, validationError } from '../errors.ts';
import { describeErrors, validatorFor } from '../validation.ts';
import { busIdentityOf, CALLER_HEADER, SIGNATURE_HEADER, type BusIdentity } from './bus-identity.ts';
import { NoRespondersError, replyInboxOf } from './reply-inbox.ts';
import { sendThisTurn } from './turn-writes.ts';
import { replySignedBy, signReply, signRequest, verifiedCaller } from './request-signature.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import { contextFromHeaders, endWith, inSpan, SpanKind, stepSpan, traceHeaders } from './trace.ts';

export type OperationHandler<Op extends Operation> = (
  input: OperationInput<Op>,
  ctx: RequestContext,
) => Promise<OperationOutput<Op>>;

/** An operation bound to the function that serves it. */
export interface Binding {
  op: Operation;
  handle: (input: never, ctx: RequestContext) => Promise<unknown>;
}

export const bind = <Op extends Operation>(op: Op, handle: OperationHandler<Op>): Binding => ({
  op,
  handle: handle as Binding['handle'],
});

const encoder = new TextEncoder();
const encode = (value: unknown) => encoder.encode(JSON.stringify(value));

/**
 * Subscribes each operation on its subject in the service's queue group, so replicas share the
 * load. Only requests signed by a platform service are handled, and each operation's access is
 * checked here as well as in the gateway (see `authorizeCall`). Input is checked against the
 * contract; errors become `{ ok: false, error }` replies, which are signed like any other.
 */
export function serveOperations(
  nc: NatsConnection,
  bindings: Binding[],
  logger: Logger,
  metrics?: Pick<ServiceMetrics, 'operation'>,
): ServedOperations {
  const identity = busIdentityOf(nc);
  if (!identity)
    throw new Error('serveOperations needs a connection with a bus identity (buildService gives one)');
  const foreign = bindings.find(({ op }) => op.service !== identity.service);
  if (foreign)
    throw new Error(`${identity.service} cannot serve ${foreign.op.name}: its replies would not be trusted`);
  const inFlight = new Set<Promise<void>>();
  const subscriptions: Subscription[] = bindings.map(({ op, handle }) => {
    const check = validatorFor(operationInputSchema(op));
    return nc.subscribe(op.subject, {
      queue: op.service,
      callback: (error, msg) => {
        if (error) {
          logger.error({ err: error, subject: op.subject }, 'subscription failed');
          return;
        }
        const work = answer(msg, op, check, handle, identity, logger, metrics);
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      },
    });
  });
  return {
    async stop() {
      await Promise.all(subscriptions.map((s) => s.drain().catch(() => {})));
      await Promise.all(inFlight);
    },
  };
}

export interface ServedOperations {
  /** Stops intake and resolves once every request in flight has been answered. */
  stop(): Promise<void>;
}

async function answer(
  msg: Msg,
  op: Operation,
  check: ReturnType<typeof validatorFor>,
  handle: Binding['handle'],
  identity: BusIdentity,
  logger: Logger,
  metrics: Pick<ServiceMetrics, 'operation'> | undefined,
): Promise<void> {
  const started = performance.now();
  let reply: ReplyEnvelope;
  let requestId = 'unknown';
  try {
    const caller = verifiedCaller(identity, op.subject, msg);
    const envelope = parseEnvelope(msg);
    requestId = envelope.ctx.requestId;
    authorizeCall(op, caller, envelope.ctx);
    const body = envelope.body ?? {};
    if (!check.Check(body)) throw validationError(describeErrors(check.Errors(body)));
    const data = await inSpan(op.subject, SpanKind.SERVER, contextFromHeaders(msg.headers), () =>
      handle(body as never, envelope.ctx),
    );
    reply = { ok: true, data: data ?? null };
  } catch (error) {
    const appError = error instanceof AppError ? error : (dataError(error) ?? internalError(error));
    if (appError.status >= 500)
      logger.error({ err: error, operation: op.name, requestId }, 'operation failed');
    else if (
      appError.code === CommonErrorCodes.UNTRUSTED_CALLER ||
      appError.code === CommonErrorCodes.CALLER_NOT_ALLOWED
    )
      logger.warn(
        { operation: op.name, caller: msg.headers?.get(CALLER_HEADER), reason: appError.message },
        'NATS request refused',
      );
    reply = { ok: false, error: appError.toBody() };
  }
  metrics?.operation(op.name, reply.ok ? 'ok' : reply.error.code, (performance.now() - started) / 1000);
  if (!msg.reply) return;
  const payload = encode(reply);
  const headers = signReply(identity, op.subject, msg, payload);
  // Resolves once the reply is handed to the connection, so a drain after `stop` still sends it.
  await new Promise<void>((sent) =>
    sendThisTurn(() => {
      try {
        msg.respond(payload, { headers });
      } catch (error) {
        // The connection closed meanwhile: the caller times out, as if the reply were lost.
        logger.warn({ err: error, operation: op.name, requestId }, 'reply not sent');
      }
      sent();
    }),
  );
}

/** PostgreSQL's class 22 (bad data: malformed uuid, date out of range) comes from input: a 400, not a 500. */
function dataError(error: unknown): AppError | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('22')) {
    return new AppError(400, CommonErrorCodes.VALIDATION_FAILED, 'A value in the request is not valid');
  }
  return undefined;
}

function parseEnvelope(msg: Msg): RequestEnvelope {
  let envelope: Partial<RequestEnvelope> | null;
  try {
    envelope = JSON.parse(msg.string()) as Partial<RequestEnvelope> | null;
  } catch {
    throw new AppError(400, CommonErrorCodes.MALFORMED_JSON, 'The request is not JSON');
  }
  if (
    !envelope ||
    typeof envelope.ctx !== 'object' ||
    envelope.ctx === null ||
    typeof envelope.ctx.requestId !== 'string' ||
    !Array.isArray(envelope.ctx.roles) ||
    typeof envelope.ctx.branchRoles !== 'object' ||
    envelope.ctx.branchRoles === null
  ) {
    throw new AppError(400, CommonErrorCodes.VALIDATION_FAILED, 'The request envelope has no context');
  }
  return envelope as RequestEnvelope;
}

export interface CallOptions {
  timeoutMs: number;
}

/**
 * Calls an operation over NATS, signed as the connection's service. Only a reply signed by
 * `op.service` for this very request is taken: any other answer (a rogue responder's) is ignored
 * while the real one is awaited. Throws AppError: the service's own error, 503 SERVICE_UNAVAILABLE
 * when nobody serves the subject, 504 UPSTREAM_TIMEOUT when no accepted answer comes in time.
 */
export async function callOperation<Op extends Operation>(
  nc: NatsConnection,
  op: Op,
  body: unknown,
  ctx: RequestContext,
  options: CallOptions,
): Promise<OperationOutput<Op>> {
  const identity = busIdentityOf(nc);
  if (!identity)
    throw new Error('callOperation needs a connection with a bus identity (buildService gives one)');
  const payload = encode({ ctx, body } satisfies RequestEnvelope);
  const span = stepSpan(op.subject, SpanKind.CLIENT, {
    'messaging.system': 'nats',
    'messaging.operation.type': 'send',
    'messaging.destination.name': op.subject,
  });
  const headers = signRequest(
    identity,
    op.subject,
    payload,
    traceHeaders(span ? trace.setSpan(context.active(), span) : context.active()),
  );
  const requestSignature = headers.get(SIGNATURE_HEADER);
  let reply: ReplyEnvelope<OperationOutput<Op>>;
  try {
    reply = await endWith(
      span,
      replyInboxOf(nc).request(op.subject, payload, headers, options.timeoutMs, (msg) => {
        if (!replySignedBy(identity, op.service, op.subject, requestSignature, msg)) return undefined;
        return JSON.parse(msg.string()) as ReplyEnvelope<OperationOutput<Op>>;
      }),
    );
  } catch (error) {
    throw transportError(op, error);
  }
  if (reply.ok) return reply.data;
  throw AppError.fromBody(reply.error);
}

function transportError(op: Operation, error: unknown): AppError {
  const e = error as { name?: string };
  if (error instanceof NoRespondersError) {
    return new AppError(
      503,
      CommonErrorCodes.SERVICE_UNAVAILABLE,
      `The ${op.service} service is not available`,
      {
        headers: { 'retry-after': '1' },
        cause: error,
      },
    );
  }
  if (e.name === 'TimeoutError') {
    return new AppError(
      504,
      CommonErrorCodes.UPSTREAM_TIMEOUT,
      `The ${op.service} service did not answer in time`,
      {
        cause: error,
      },
    );
  }
  return new AppError(503, CommonErrorCodes.SERVICE_UNAVAILABLE, 'The message bus is not available', {
    headers: { 'retry-after': '1' },
    cause: error,
  });
}
