import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import { serveOperations, type Binding } from '../bus/rpc.ts';

/**
 * A feature plugin's NATS side: serves its operations and, on close, stops taking requests and
 * waits for the ones in flight before the connection drains.
 */
export const operationsPlugin = fp<{ bindings: Binding[] }>(
  async (app, options) => {
    const served = serveOperations(app.bus.nc, options.bindings, app.log as Logger);
    app.addHook('preClose', () => served.stop());
  },
  { dependencies: ['bus'] },
);
