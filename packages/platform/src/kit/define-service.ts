import type { NatsConnection } from '@nats-io/transport-node';
import type { ConsumerDefinition, EventDefinition, EventEnvelope } from '@nxg/contracts';
import { consumerNamed } from '@nxg/contracts';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Static, TObject, TProperties } from 'typebox';
import type { Bus } from '../bus/connection.ts';
import type { OutboxRelay } from '../bus/outbox.ts';
import type { TokenKind } from '../auth/audience.ts';
import type { Binding } from '../bus/rpc.ts';
import type { ConsumerBatching, ConsumerConcurrency } from '../bus/consumer.ts';
import type { Cache } from '../cache.ts';
import type { ServiceMetrics } from '../metrics/service-metrics.ts';
import type { BaseConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { HttpServerOptions } from '../http/server.ts';
import type { JsMsg } from '@nats-io/jetstream';

/** What every service's configuration holds (BaseConfig), whatever it adds. */
export type ServiceConfig = Static<TObject<typeof BaseConfig>>;

/** The infrastructure the kit hands a service once it is up, in the order it was started. */
export interface Kit<C extends ServiceConfig = ServiceConfig> {
  /** The service's name: also the `source` of its events and its NATS queue group. */
  readonly name: string;
  readonly config: C;
  readonly logger: Logger;
  /** Its Prometheus metrics (GET /metrics on the health port): register a service's own gauges here. */
  readonly metrics: ServiceMetrics;
  /** The service's own database (services declared with migrations). */
  readonly db: Database;
  readonly bus: Bus;
  /** The NATS connection, inside the platform's namespace. */
  readonly nc: NatsConnection;
  readonly cache: Cache;
  /** Relays the outbox to JetStream (services declared with migrations). */
  readonly outbox: OutboxRelay;
  /** Something the service's context opened: stopped after jobs, before NATS drains. */
  onStop(stop: () => unknown): void;
}

/** A durable consumer's handler, declared beside the tables it writes. */
export interface ConsumerBinding {
  consumer: ConsumerDefinition;
  event: EventDefinition;
  handle: (event: EventEnvelope<unknown>, msg: JsMsg) => Promise<void>;
  /** Several messages at once, in order per key (see runConsumer); absent: one at a time. */
  concurrency?: ConsumerConcurrency;
  /** The messages delivered meanwhile handled together (see runConsumer; consumeBatch declares it). */
  batch?: ConsumerBatching;
}

export const consume = <E extends EventDefinition>(
  /** The durable's name as declared in contracts (or its declaration). */
  consumer: string | ConsumerDefinition,
  event: E,
  handle: (event: EventEnvelope<Static<E['data']>>, msg: JsMsg) => Promise<void>,
  options: { concurrency?: ConsumerConcurrency } = {},
): ConsumerBinding => ({
  consumer: typeof consumer === 'string' ? consumerNamed(consumer) : consumer,
  event,
  handle: handle as ConsumerBinding['handle'],
  ...options,
});

/**
 * A durable consumer that handles what was delivered meanwhile as one batch, in stream order (at
 * most `max` events): a read model applying a batch in one transaction. A single event that must
 * go again on its own (a failed batch is retried one by one) is a batch of one.
 */
export const consumeBatch = <E extends EventDefinition>(
  consumer: string | ConsumerDefinition,
  event: E,
  handle: (events: EventEnvelope<Static<E['data']>>[]) => Promise<void>,
  { max }: { max: number },
): ConsumerBinding => ({
  consumer: typeof consumer === 'string' ? consumerNamed(consumer) : consumer,
  event,
  handle: (one) => handle([one as EventEnvelope<Static<E['data']>>]),
  batch: { max, handle: handle as ConsumerBatching['handle'] },
});

/**
 * Periodic work. The runner never overlaps two runs of a job in one replica and waits for a
 * running one at stop; work that must run on one replica at a time takes a database lock inside.
 */
export interface Job {
  name: string;
  everyMs: number;
  run(): Promise<void>;
}

/** One capability of a service: its NATS operations, consumers, jobs and HTTP routes. */
export interface Feature<D> {
  name: string;
  operations?: (deps: D) => Binding[];
  consumers?: (deps: D) => ConsumerBinding[];
  jobs?: (deps: D) => Job[];
  /** HTTP routes beyond health (the gateway's API, the hub's machine socket), as a Fastify plugin. */
  http?: (app: FastifyInstance, deps: D) => Promise<void>;
}

export interface ServiceDefinition<P extends TProperties = TProperties, D = unknown> {
  name: string;
  /** The configuration schema (BaseConfig and the service's own variables), checked once at start. */
  config: P;
  /** What the schema alone cannot say (variables that go together): one line per problem. */
  checkConfig?: (config: Static<TObject<P>>) => string[];
  /** The configuration variable that holds the HTTP port (health, and the API where there is one). */
  port: keyof P & string;
  /** Directory of SQL migrations; a service with migrations gets a database and an outbox relay. */
  migrations?: string;
  /**
   * Verifies tokens of this kind (identity's JWKS and the revocation watch): members' (the
   * gateway) or machines' (machine-hub). Their audiences differ, so neither takes the other's.
   */
  auth?: TokenKind;
  /** HTTP server options taken from configuration (CORS, body limit, proxies). */
  http?: (config: Static<TObject<P>>) => Omit<HttpServerOptions, 'logger'>;
  /** Builds what the features work with, once the infrastructure is up. */
  context: (kit: Kit<Static<TObject<P>> & ServiceConfig>) => D | Promise<D>;
  features: Feature<D>[];
}

/** A service is a value: the kit builds it (buildService), runs it (runService) and lists it (manifest). */
export const defineService = <P extends TProperties, D>(definition: ServiceDefinition<P, D>) => definition;

export const defineFeature = <D>(feature: Feature<D>) => feature;
