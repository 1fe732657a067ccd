import {
  AckPolicy,
  DeliverPolicy,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
} from '@nats-io/jetstream';
import { Kvm } from '@nats-io/kv';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import type { BucketDefinition, ConsumerDefinition, StreamDefinition } from '@nxg/contracts';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Creates or updates the streams, durable consumers and KV buckets declared in contracts.
 * Called once by the launcher, the tests and the deploy step, never by each replica at start-up.
 * `replicas` is the JetStream replication factor: 1 on a single server, 3 on a production cluster.
 */
export async function provisionMessaging(
  nc: NatsConnection,
  declared: { streams: StreamDefinition[]; consumers: ConsumerDefinition[]; buckets: BucketDefinition[] },
  options: { replicas?: number } = {},
): Promise<void> {
  const replicas = options.replicas ?? 1;
  const jsm = await jetstreamManager(nc);
  for (const stream of declared.streams) await upsertStream(jsm, stream, replicas);
  for (const consumer of declared.consumers) await upsertConsumer(jsm, consumer);
  const kvm = new Kvm(nc);
  for (const bucket of declared.buckets) {
    await kvm.create(bucket.bucket, {
      ttl: bucket.ttlS * 1000,
      history: 1,
      description: bucket.description,
      replicas,
    });
    // create() opens an existing bucket as it is: bring a changed TTL or description up to date.
    const { config } = await jsm.streams.info(`KV_${bucket.bucket}`);
    if (config.max_age !== nanos(bucket.ttlS * 1000) || config.description !== bucket.description) {
      await jsm.streams.update(`KV_${bucket.bucket}`, {
        max_age: nanos(bucket.ttlS * 1000),
        description: bucket.description,
      });
    }
  }
}

async function upsertStream(
  jsm: JetStreamManager,
  stream: StreamDefinition,
  replicas: number,
): Promise<void> {
  const config = {
    num_replicas: replicas,
    name: stream.name,
    subjects: stream.subjects,
    retention: RetentionPolicy.Limits,
    storage: StorageType.File,
    max_age: nanos(stream.maxAgeDays * DAY_MS),
    duplicate_window: nanos(stream.duplicateWindowS * 1000),
    description: `owned by ${stream.owner}`,
  };
  try {
    await jsm.streams.info(stream.name);
    await jsm.streams.update(stream.name, config);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await jsm.streams.add(config);
  }
}

async function upsertConsumer(jsm: JetStreamManager, consumer: ConsumerDefinition): Promise<void> {
  const config = {
    durable_name: consumer.durable,
    filter_subject: consumer.filterSubject,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(consumer.ackWaitS * 1000),
    max_deliver: consumer.maxDeliver,
  };
  try {
    await jsm.consumers.info(consumer.stream, consumer.durable);
    // The deliver policy of an existing consumer cannot change: it is set only on creation.
    await jsm.consumers.update(consumer.stream, consumer.durable, config);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    const deliver_policy = consumer.deliverPolicy === 'new' ? DeliverPolicy.New : DeliverPolicy.All;
    await jsm.consumers.add(consumer.stream, { ...config, deliver_policy });
  }
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
