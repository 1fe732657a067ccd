import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { NodeSDK } from '@opentelemetry/sdk-node';

export interface Telemetry {
  readonly exporting: boolean;
  shutdown(): Promise<void>;
}

/**
 * W3C trace context is always carried (HTTP in, NATS headers out and in), so one trace id follows
 * a request across services. Spans are exported only when the standard OTEL_* variables ask for it.
 */
export function startTelemetry(service: string, env: NodeJS.ProcessEnv = process.env): Telemetry {
  const wanted =
    Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
    (env.OTEL_TRACES_EXPORTER !== undefined && env.OTEL_TRACES_EXPORTER !== 'none');
  if (!wanted || env.OTEL_SDK_DISABLED === 'true') {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    // Without a context manager `context.with` is a no-op and no trace would ever be carried.
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    return { exporting: false, shutdown: async () => {} };
  }
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? `nxg-${service}`, instrumentations: [] });
  sdk.start();
  return { exporting: true, shutdown: () => sdk.shutdown() };
}
