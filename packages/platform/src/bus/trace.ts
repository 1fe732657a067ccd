import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';

const tracer = trace.getTracer('@nxg/platform');

const setter: TextMapSetter<MsgHdrs> = { set: (carrier, key, value) => carrier.set(key, value) };
const getter: TextMapGetter<MsgHdrs | undefined> = {
  keys: (carrier) => (carrier ? carrier.keys() : []),
  get: (carrier, key) => carrier?.get(key) || undefined,
};

/** NATS headers carrying the current W3C trace context (traceparent, tracestate). */
export function traceHeaders(ctx: Context = context.active()): MsgHdrs {
  const h = natsHeaders();
  propagation.inject(ctx, h, setter);
  return h;
}

export function contextFromHeaders(h: MsgHdrs | undefined): Context {
  return propagation.extract(ROOT_CONTEXT, h, getter);
}

/** The active trace context, to carry into work done later on another's behalf (a batched write). */
export type TraceContext = Context;
export const activeTrace = (): TraceContext => context.active();

/** The `traceparent` of the active span, if any, for envelopes and logs. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Runs `work` in a span that is a child of `parent`, recording failures. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  parent: Context,
  work: () => Promise<T>,
  attributes: Record<string, string> = {},
): Promise<T> {
  return tracer.startActiveSpan(name, { kind, attributes }, parent, async (span) => {
    try {
      return await work();
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * A span for one step of a request that is being recorded (a SQL statement, an outgoing call), or
 * none: when no exporter records the trace, the step costs a lookup, not a span.
 */
export function stepSpan(name: string, kind: SpanKind, attributes: Attributes): Span | undefined {
  if (!trace.getActiveSpan()?.isRecording()) return undefined;
  return tracer.startSpan(name, { kind, attributes });
}

/** Ends `span` when `work` settles, recording a failure; hands `work` back untouched. */
export function endWith<T>(span: Span | undefined, work: Promise<T>): Promise<T> {
  if (!span) return work;
  work.then(
    () => span.end(),
    (error: unknown) => {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  );
  return work;
}

/**
 * The relay's publish of one outbox event, as a PRODUCER span in the trace of the request that
 * wrote it: the trace headers it is published with name this span, so consumers hang below it.
 * Rows written outside any trace are published with their headers as they are.
 */
export function publishSpan(
  subject: string,
  eventId: string,
  stored: Record<string, string>,
): { headers: Record<string, string>; span: Span | undefined } {
  if (!stored.traceparent) return { headers: stored, span: undefined };
  const parent = propagation.extract(ROOT_CONTEXT, stored);
  const span = tracer.startSpan(
    `publish ${subject}`,
    {
      kind: SpanKind.PRODUCER,
      attributes: {
        'messaging.system': 'nats',
        'messaging.operation.type': 'send',
        'messaging.destination.name': subject,
        'messaging.message.id': eventId,
      },
    },
    parent,
  );
  const headers: Record<string, string> = {};
  propagation.inject(trace.setSpan(parent, span), headers);
  return { headers, span };
}

/** The active span's ids for a log line (pino `mixin`), so logs and traces meet. */
export function traceIdsForLog(): { trace_id?: string; span_id?: string } {
  const span = trace.getActiveSpan();
  if (!span) return {};
  const ids = span.spanContext();
  return isSpanContextValid(ids) ? { trace_id: ids.traceId, span_id: ids.spanId } : {};
}

export { SpanKind };
