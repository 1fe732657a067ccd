import {
  AckPolicy,
  DeliverPolicy,
  DiscardPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { BucketDefinition, ConsumerDefinition, StreamDefinition, StreamPurge } from '@nxg/contracts';
import { namespaceOf, type Namespace } from './namespace.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface Messaging {
  streams: StreamDefinition[];
  consumers: ConsumerDefinition[];
  buckets: BucketDefinition[];
  purges?: StreamPurge[];
}

export interface ProvisionOptions {
  /** The JetStream replication factor: 1 on a single server, 3 on a production cluster. */
  replicas?: number;
  /** Retention set by the deployment rather than contracts, per stream name. */
  limits?: Record<string, { maxAgeMs?: number; maxBytes?: number }>;
  /** Durable consumers to delete first, so they are created anew from now (a test's fresh start). */
  freshConsumers?: string[];
}

/**
 * Creates or updates the streams, durable consumers and KV buckets declared in contracts, in the
 * connection's namespace, purges what older versions left where it does not belong, and deletes
 * the durables a declared consumer `replaces` once it exists. Called
 * once by the launcher, the tests and the deploy step, never by each replica at start-up.
 */
export async function provisionMessaging(
  nc: NatsConnection,
  declared: Messaging,
  options: ProvisionOptions = {},
): Promise<void> {
  const ns = namespaceOf(nc);
  const replicas = options.replicas ?? 1;
  const jsm = await jetstreamManager(nc);
  for (const stream of declared.streams) {
    await upsertStream(jsm, ns, stream, replicas, options.limits?.[stream.name]);
  }
  for (const durable of options.freshConsumers ?? []) {
    const consumer = declared.consumers.find((c) => c.durable === durable);
    if (consumer) await jsm.consumers.delete(ns.stream(consumer.stream), durable).catch(() => false);
  }
  for (const consumer of declared.consumers) await upsertConsumer(jsm, ns, consumer);
  for (const consumer of declared.consumers) {
    for (const retired of consumer.replaces ?? []) {
      await jsm.consumers.delete(ns.stream(consumer.stream), retired).catch((error) => {
        if (!isNotFound(error)) throw error;
      });
    }
  }
  for (const purge of declared.purges ?? []) {
    await jsm.streams
      .purge(ns.stream(purge.stream), { filter: ns.subject(purge.filterSubject) })
      .catch((error) => {
        if (!isNotFound(error)) throw error;
      });
  }
  const kvm = new Kvm(nc);
  for (const bucket of declared.buckets) {
    const name = ns.bucket(bucket.bucket);
    await kvm.create(name, {
      ttl: bucket.ttlS * 1000,
      history: 1,
      description: bucket.description,
      replicas,
    });
    // create() opens an existing bucket as it is: bring a changed TTL or description up to date.
    const { config } = await jsm.streams.info(`KV_${name}`);
    if (config.max_age !== nanos(bucket.ttlS * 1000) || config.description !== bucket.description) {
      await jsm.streams.update(`KV_${name}`, {
        max_age: nanos(bucket.ttlS * 1000),
        description: bucket.description,
      });
    }
  }
}

async function upsertStream(
  jsm: JetStreamManager,
  ns: Namespace,
  stream: StreamDefinition,
  replicas: number,
  limits: { maxAgeMs?: number; maxBytes?: number } | undefined,
): Promise<void> {
  const name = ns.stream(stream.name);
  const maxBytes = limits?.maxBytes ?? stream.maxBytes;
  const config = {
    num_replicas: replicas,
    name,
    subjects: stream.subjects.map((s) => ns.subject(s)),
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(limits?.maxAgeMs ?? stream.maxAgeDays * DAY_MS),
    max_bytes: maxBytes ?? -1,
    discard: DiscardPolicy.Old,
    duplicate_window: nanos(stream.duplicateWindowS * 1000),
    description: `owned by ${stream.owner}`,
  };
  try {
    await jsm.streams.info(name);
    await jsm.streams.update(name, config);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(config);
  }
}

async function upsertConsumer(
  jsm: JetStreamManager,
  ns: Namespace,
  consumer: ConsumerDefinition,
): Promise<void> {
  const stream = ns.stream(consumer.stream);
  const config = {
    durable_name: consumer.durable,
    filter_subject: ns.subject(consumer.filterSubject),
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(consumer.ackWaitS * 1000),
    max_deliver: consumer.maxDeliver,
  };
  try {
    await jsm.consumers.info(stream, consumer.durable);
    // The deliver policy of an existing consumer cannot change: it is set only on creation.
    await jsm.consumers.update(stream, consumer.durable, config);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const takeOver = await takeOverPoint(jsm, stream, consumer.replaces ?? []);
    if (takeOver !== undefined) {
      await jsm.consumers.add(stream, {
        ...config,
        deliver_policy: DeliverPolicy.StartSequence,
        opt_start_seq: takeOver,
      });
    } else {
      const deliver_policy = consumer.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All;
      await jsm.consumers.add(stream, { ...config, deliver_policy });
    }
  }
}

/**
 * Where a consumer that replaces others starts: the first message one of them has not acknowledged
 * (the lowest ack floor, plus one), so nothing any of them still owed is skipped; what some of them
 * had already handled comes again, which consumers take in their stride. Undefined when none exists.
 */
async function takeOverPoint(
  jsm: JetStreamManager,
  stream: string,
  replaced: readonly string[],
): Promise<number | undefined> {
  let floor: number | undefined;
  for (const durable of replaced) {
    const info = await jsm.consumers.info(stream, durable).catch((error: unknown) => {
      if (!isNotFound(error)) throw error;
      return undefined;
    });
    if (info) floor = Math.min(floor ?? Infinity, info.ack_floor.stream_seq);
  }
  return floor === undefined ? undefined : floor + 1;
}

/** Retention limits a deployment sets in its environment (hours and bytes; unset → contracts). */
export function limitsFromEnv(env: Record<string, string | undefined>): ProvisionOptions['limits'] {
  const hours = env.TELEMETRY_MAX_AGE_H ? Number(env.TELEMETRY_MAX_AGE_H) : undefined;
  const bytes = env.TELEMETRY_MAX_BYTES ? Number(env.TELEMETRY_MAX_BYTES) : undefined;
  if (hours !== undefined && !(hours > 0))
    throw new Error('TELEMETRY_MAX_AGE_H must be a positive number of hours');
  if (bytes !== undefined && !(Number.isInteger(bytes) && bytes > 0)) {
    throw new Error('TELEMETRY_MAX_BYTES must be a positive whole number of bytes');
  }
  return {
    TELEMETRY: {
      ...(hours !== undefined ? { maxAgeMs: hours * 3600_000 } : {}),
      ...(bytes !== undefined ? { maxBytes: bytes } : {}),
    },
  };
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; code?: number | string; message?: string };
  return (
    e.name === 'StreamNotFoundError' ||
    e.name === 'ConsumerNotFoundError' ||
    e.code === 404 ||
    e.code === '404' ||
    /not found/i.test(e.message ?? '')
  );
}
