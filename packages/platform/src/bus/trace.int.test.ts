import { connect, type NatsConnection } from '@nats-io/transport-node';
import { context, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { defineOperation } from '@nxg/contracts';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTelemetry, type Telemetry } from '../telemetry.ts';
import { signedAs, silentLogger, testBackends, uniqueSuffix } from '../test-support.ts';
import { bind, callOperation, serveOperations, type ServedOperations } from './rpc.ts';
import { contextFromHeaders, currentTraceparent, traceHeaders } from './trace.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const incoming = `00-${traceId}-00f067aa0ba902b7-01`;

const seen = defineOperation(`tracetest${uniqueSuffix()}`, 'seen', {
  summary: 'Reports the trace the handler runs in',
  http: { method: 'GET', path: '/seen', status: 200 },
  access: 'public',
  output: Type.Object({
    traceId: Type.Union([Type.String(), Type.Null()]),
    traceparent: Type.Union([Type.String(), Type.Null()]),
  }),
});

describe('trace context across NATS (W3C propagator, no exporter)', () => {
  let telemetry: Telemetry;
  let serverNc: NatsConnection;
  let callerNc: NatsConnection;
  let served: ServedOperations;

  beforeAll(async () => {
    telemetry = startTelemetry('platform-test', {});
    serverNc = signedAs(await connect({ servers: testBackends.natsUrl }), seen.service);
    callerNc = signedAs(await connect({ servers: testBackends.natsUrl }), 'gateway');
    served = serveOperations(
      serverNc,
      [
        bind(seen, async () => {
          const spanContext = trace.getSpanContext(context.active());
          const valid = spanContext && trace.isSpanContextValid(spanContext);
          return { traceId: valid ? spanContext.traceId : null, traceparent: currentTraceparent() ?? null };
        }),
      ],
      silentLogger,
    );
    await serverNc.flush();
  });

  afterAll(async () => {
    await served?.stop();
    await serverNc?.drain();
    await callerNc?.drain();
    await telemetry?.shutdown();
  });

  it('does not export spans when no OTEL variable asks for it', () => {
    expect(telemetry.exporting).toBe(false);
  });

  it('makes a traceparent received over HTTP the active trace at the caller', () => {
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: incoming });
    const traceparent = context.with(parent, () => currentTraceparent());
    expect(traceparent).toBe(incoming);
  });

  it("carries the caller's trace into the handler's active context", async () => {
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: incoming });
    const data = await context.with(parent, () =>
      callOperation(
        callerNc,
        seen,
        {},
        { requestId: 'req-trace-1', roles: [], branchRoles: {} },
        { timeoutMs: 2_000 },
      ),
    );
    expect(data.traceId).toBe(traceId);
    expect(data.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('keeps the trace through awaits at the caller', async () => {
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: incoming });
    const data = await context.with(parent, async () => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      return callOperation(
        callerNc,
        seen,
        {},
        { requestId: 'req-trace-2', roles: [], branchRoles: {} },
        { timeoutMs: 2_000 },
      );
    });
    expect(data.traceId).toBe(traceId);
  });

  it('invents no trace when the caller has none', async () => {
    const data = await callOperation(
      callerNc,
      seen,
      {},
      { requestId: 'req-trace-3', roles: [], branchRoles: {} },
      { timeoutMs: 2_000 },
    );
    expect(data).toEqual({ traceId: null, traceparent: null });
  });

  it('writes the trace into NATS headers and reads it back', () => {
    const parent = propagation.extract(ROOT_CONTEXT, { traceparent: incoming });
    const headers = traceHeaders(parent);
    expect(headers.get('traceparent')).toBe(incoming);
    expect(trace.getSpanContext(contextFromHeaders(headers))?.traceId).toBe(traceId);
    expect(trace.getSpanContext(contextFromHeaders(undefined))).toBeUndefined();
  });
});
