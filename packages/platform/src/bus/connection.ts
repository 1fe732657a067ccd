import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Logger } from 'pino';
import { bindBusIdentity, type BusIdentity } from './bus-identity.ts';
import { inNamespace, namespace, type Namespace } from './namespace.ts';
import { natsConnectionSecurity, serviceInboxPrefix, type NatsSecurity } from './nats-security.ts';

export interface Bus {
  /** The connection inside this platform's namespace: use it for every subject. */
  nc: NatsConnection;
  ns: Namespace;
  /** False while the client is reconnecting; readiness reflects it. */
  isConnected(): boolean;
  /** Stops intake, lets in-flight handlers reply, flushes and closes. */
  drain(): Promise<void>;
}

export async function connectBus(options: {
  url: string;
  name: string;
  logger: Logger;
  /** NATS_PREFIX: the namespace of subjects, streams and buckets (empty in production). */
  prefix?: string;
  /** Who this service is on the bus: what it sends is signed with it (see rpc.ts). */
  identity: BusIdentity;
  /** Credentials and TLS (deploy/nats): none on a developer's NATS. */
  security?: NatsSecurity;
}): Promise<Bus> {
  const { logger } = options;
  const nc = await connect({
    servers: options.url.split(','),
    name: options.name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
    waitOnFirstConnect: true,
    // nats.js otherwise builds two Error objects per request for async stack traces (~10 % of the
    // gateway's CPU in the benchmark); a timeout then loses the caller's stack, which we can spare.
    noAsyncTraces: true,
    inboxPrefix: serviceInboxPrefix(options.identity.service),
    ...natsConnectionSecurity(options.security ?? {}),
  });
  let connected = true;
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        connected = false;
        logger.warn({ server: status.server }, 'NATS disconnected; reconnecting');
      } else if (status.type === 'reconnect') {
        connected = true;
        logger.info({ server: status.server }, 'NATS reconnected');
      } else if (status.type === 'error') {
        logger.error({ err: status.error }, 'NATS error');
      }
    }
  })();
  const ns = namespace(options.prefix);
  return {
    nc: bindBusIdentity(inNamespace(nc, ns), options.identity),
    ns,
    isConnected: () => connected && !nc.isClosed(),
    async drain() {
      if (nc.isClosed()) return;
      await nc.drain().catch(() => nc.close());
    },
  };
}
