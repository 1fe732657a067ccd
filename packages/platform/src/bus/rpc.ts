import { context } from '@opentelemetry/api';
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
import { AppError, internalError, validationError } from '../errors.ts';
import { describeErrors, validatorFor } from '../validation.ts';
import { contextFromHeaders, inSpan, SpanKind, traceHeaders } from './trace.ts';

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
 * load. Input is checked against the contract; errors become `{ ok: false, error }` replies.
 */
export function serveOperations(nc: NatsConnection, bindings: Binding[], logger: Logger): ServedOperations {
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
        const work = answer(msg, op, check, handle, logger);
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
  logger: Logger,
): Promise<void> {
  let reply: ReplyEnvelope;
  let requestId = 'unknown';
  try {
    const envelope = parseEnvelope(msg);
    requestId = envelope.ctx.requestId;
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
    reply = { ok: false, error: appError.toBody() };
  }
  if (msg.reply) msg.respond(encode(reply));
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
    typeof envelope.ctx.requestId !== 'string'
  ) {
    throw new AppError(400, CommonErrorCodes.VALIDATION_FAILED, 'The request envelope has no context');
  }
  return envelope as RequestEnvelope;
}

export interface CallOptions {
  timeoutMs: number;
}

/**
 * Calls an operation over NATS. Throws AppError: the service's own error, 503 SERVICE_UNAVAILABLE
 * when nobody serves the subject, 504 UPSTREAM_TIMEOUT when nobody answers in time.
 */
export async function callOperation<Op extends Operation>(
  nc: NatsConnection,
  op: Op,
  body: unknown,
  ctx: RequestContext,
  options: CallOptions,
): Promise<OperationOutput<Op>> {
  let msg: Msg;
  // No trace to carry (the caller sent none): no header block for NATS and the service to parse.
  const headers = traceHeaders(context.active());
  try {
    msg = await nc.request(op.subject, encode({ ctx, body } satisfies RequestEnvelope), {
      timeout: options.timeoutMs,
      ...(headers.keys().length > 0 ? { headers } : {}),
    });
  } catch (error) {
    throw transportError(op, error);
  }
  const reply = JSON.parse(msg.string()) as ReplyEnvelope<OperationOutput<Op>>;
  if (reply.ok) return reply.data;
  throw AppError.fromBody(reply.error);
}

function transportError(op: Operation, error: unknown): AppError {
  const e = error as { name?: string; isNoResponders?: () => boolean; cause?: { name?: string } };
  const noResponders =
    e.name === 'NoRespondersError' || e.cause?.name === 'NoRespondersError' || e.isNoResponders?.() === true;
  if (noResponders) {
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
  if (e.name === 'TimeoutError' || e.cause?.name === 'TimeoutError') {
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
