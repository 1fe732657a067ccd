import { AsyncLocalStorage } from 'node:async_hooks';
import { context, propagation, ROOT_CONTEXT, type Context, type ContextManager } from '@opentelemetry/api';
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
  const wanted = Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ||
    (env.OTEL_TRACES_EXPORTER !== undefined && env.OTEL_TRACES_EXPORTER !== 'none');
  if (!wanted || env.OTEL_SDK_DISABLED === 'true') {
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    // Without a context manager `context.with` is a no-op and no trace would ever be carried.
    context.setGlobalContextManager(new AsyncContextManager());
    return { exporting: false, shutdown: async () => {} };
  }
  const sdk = new NodeSDK({ serviceName: env.OTEL_SERVICE_NAME ?? `nxg-${service}`, instrumentations: [] });
  sdk.start();
  return { exporting: true, shutdown: () => sdk.shutdown() };
}

/** Follows the active context through awaits (what the SDK installs when it exports). */
class AsyncContextManager implements ContextManager {
  readonly #storage = new AsyncLocalStorage<Context>();

  active(): Context {
    return this.#storage.getStore() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(
    ctx: Context,
    fn: F,
    thisArg?: ThisParameterType<F>,
    ...args: A
  ): ReturnType<F> {
    return this.#storage.run(ctx, () => fn.apply(thisArg, args));
  }

  bind<T>(ctx: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const run = (self: unknown, args: unknown[]) => this.with(ctx, () => (target as (...a: unknown[]) => unknown).apply(self, args));
    return function (this: unknown, ...args: unknown[]) {
      return run(this, args);
    } as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    this.#storage.disable();
    return this;
  }
}
