import { createRequire } from 'node:module';
import { context, propagation } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type * as OtelSdk from '@opentelemetry/sdk-node';

const require = createRequire(import.meta.url);

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
  // The SDK costs ~0.4 s of CPU and ~25 MiB at start (measured), so only a process that exports loads
  // it. Synchronously (require), so the caller stays synchronous and no early span is lost.
  const { NodeSDK } = require('@opentelemetry/sdk-node') as typeof OtelSdk;
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? `nxg-${service}`, instrumentations: [] });
  sdk.start();
  return { exporting: true, shutdown: () => sdk.shutdown() };
}
